package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/cache"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/widget"
)

// widgetParams are the widget's own parameters besides the lookup.
type widgetParams struct {
	opt  widget.Options
	lang string
}

func parseWidgetParams(q url.Values) (widgetParams, error) {
	p := widgetParams{opt: widget.Options{Width: DefaultWidgetWidth, Scale: 2, Theme: "light"}, lang: q.Get("lang")}
	e := &status.ValidationError{}
	if v := q.Get("width"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.Add("invalid", "width", "Must be an integer from 320 to 1200.")
		}
		p.opt.Width = n
	}
	if v := q.Get("scale"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.Add("invalid", "scale", "Must be 1 or 2.")
		}
		p.opt.Scale = n
	}
	if v := q.Get("theme"); v != "" {
		p.opt.Theme = v
	}
	if e.Err() == nil {
		if err := p.opt.Validate(); err != nil {
			attr := strings.Fields(err.Error())[0]
			e.Add("invalid", attr, "%s", strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
		}
	}
	return p, e.Err()
}

// widgetFallback answers 200 with the neutral image: mail proxies cache error responses for a
// long time, so an email must never show a broken image. The reason goes in a header.
func (s *Server) widgetFallback(w http.ResponseWriter, r *http.Request, p widgetParams, reason string) {
	if p.opt.Validate() != nil {
		p.opt = widget.Options{Width: DefaultWidgetWidth, Scale: 2, Theme: "light"}
	}
	lang := i18n.Match(p.lang)
	if lang == "" {
		lang = i18n.Default
	}
	key := "fallback\x00" + lang + "\x00" + strconv.Itoa(p.opt.Width) + "\x00" + strconv.Itoa(p.opt.Scale) + "\x00" + p.opt.Theme
	png, ok := s.responses.Get(key)
	if !ok {
		img, err := widget.Fallback(i18n.T(lang, "widget.fallback"), p.opt)
		if err != nil {
			s.logger.ErrorContext(r.Context(), "widget fallback", "err", err)
			http.Error(w, "", http.StatusInternalServerError)
			return
		}
		png = cache.NewBody(img, "image/png", "")
		s.responses.Add(key, png, png.Size(), nil)
	}
	w.Header().Set("X-Orderstatus-Widget", "fallback; reason="+reason)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "image/png")
	w.Write(png.Raw)
}

// widgetResolve resolves a widget request. Callers without a token must hold a valid s for
// exactly one order; reason is the fallback header's reason when they do not, the same
// whether the order exists or not.
func (s *Server) widgetResolve(r *http.Request) (*auth.Grant, status.InfoRequest, widgetParams, string, error) {
	q := r.URL.Query()
	p, perr := parseWidgetParams(q)
	req, err := status.ParseInfoRequest(q)
	if err == nil {
		err = perr
	}
	if err != nil {
		return nil, req, p, "bad-request", err
	}
	g, err := s.access.Resolve(r.Context(), req, s.caller(r))
	if err == nil && g.By != "token" && g.By != "signature" {
		err = auth.ErrBadSignature
	}
	if err != nil {
		f, _ := classify(err)
		return nil, req, p, f.widget, err
	}
	return g, req, p, "", nil
}

func (s *Server) handleWidget(w http.ResponseWriter, r *http.Request) {
	hasToken := auth.BearerToken(r.Header.Get("Authorization")) != ""
	gen := s.readGeneration()
	res, req, p, reason, err := s.widgetResolve(r)
	if err != nil {
		if hasToken {
			s.apiFail(w, r, err)
			return
		}
		s.widgetFallback(w, r, p, reason)
		return
	}
	if req.LiveRefresh {
		// Within the same budget as the API; the image then shows what the carrier said.
		_, note := s.liveRefresh(r.Context(), res)
		w.Header().Set(liveRefreshHeader, note)
	}
	lang := infoLanguage(p.lang, res.Order)
	key := s.responseKey("widget", gen, res, lang, strconv.Itoa(p.opt.Width), strconv.Itoa(p.opt.Scale), p.opt.Theme,
		strconv.FormatBool(req.SingleTracking))
	body, err := s.cachedBody(key, res, "image/png", func(buf *bytes.Buffer) error {
		info := status.BuildInfo(res.Order, s.infoOptions(res, req, lang))
		png, err := widget.Render(widgetData(info.Story(), res.Account, lang), p.opt)
		buf.Write(png)
		return err
	})
	if err != nil {
		s.logger.ErrorContext(r.Context(), "widget render", "err", err)
		s.widgetFallback(w, r, p, "error")
		return
	}
	// Mail proxies keep images: they must ask again (and get a 304 while nothing changed).
	w.Header().Set("Cache-Control", "no-cache")
	body.Serve(w, r)
}

// widgetData maps the summary onto what the widget draws: the shop, the order number and
// the status, worded for the day it is drawn. Nothing personal beyond the order number,
// since emails get forwarded.
func widgetData(sm *status.Summary, acct status.Account, lang string) widget.Data {
	d := widget.Data{
		ShopName: acct.ShownName(), Accent: acct.AccentColor, OrderLabel: i18n.T(lang, "widget.order", "number", sm.OrderNumber),
		Headline: sm.Headline.Today, Tone: widgetTone(sm.Tone), Promise: sm.Promise.Today,
		CallToAction: i18n.T(lang, "widget.view_details"), Icon: "clock",
	}
	if len(sm.Couriers) > 0 {
		d.Courier = i18n.T(lang, "widget.courier", "courier", strings.Join(sm.Couriers, ", "))
	}
	if c := sm.Cancellation; c != nil {
		d.Icon, d.Detail = "cancel", c.Text
		return d
	}
	if len(sm.Parcels) == 0 {
		d.Step = 1
		for i := range d.StepLabels {
			d.StepLabels[i] = i18n.T(lang, "step."+strconv.Itoa(i+1))
		}
		return d
	}
	// The parcel the order's state is about draws the progress bar and the icon; for several
	// parcels the headline counts them, and one parcel's bar would contradict it.
	lead := sm.Parcels[sm.Lead]
	d.Icon, d.Detail = lead.Icon, lead.Where
	if len(sm.Parcels) > 1 {
		d.Icon = "box"
		return d
	}
	if len(lead.Steps) == len(d.StepLabels) {
		d.Step = lead.Current
		for i, st := range lead.Steps {
			d.StepLabels[i] = st.Label
		}
	}
	return d
}

func widgetTone(t string) string {
	switch t {
	case "danger", "warning":
		return "warning"
	case "success", "muted":
		return t
	}
	return "normal"
}

// handleWidgetAlt returns the widget's alt text for templating systems.
func (s *Server) handleWidgetAlt(w http.ResponseWriter, r *http.Request) {
	hasToken := auth.BearerToken(r.Header.Get("Authorization")) != ""
	gen := s.readGeneration()
	res, req, p, reason, err := s.widgetResolve(r)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		if hasToken {
			s.apiFail(w, r, err)
			return
		}
		lang := i18n.Match(p.lang)
		if lang == "" {
			lang = i18n.Default
		}
		w.Header().Set("X-Orderstatus-Widget", "fallback; reason="+reason)
		w.Write([]byte(i18n.T(lang, "widget.fallback")))
		return
	}
	lang := infoLanguage(p.lang, res.Order)
	key := s.responseKey("alt", gen, res, lang, strconv.FormatBool(req.SingleTracking))
	body, err := s.cachedBody(key, res, "text/plain; charset=utf-8", func(buf *bytes.Buffer) error {
		buf.WriteString(status.BuildInfo(res.Order, s.infoOptions(res, req, lang)).Story().Alt)
		return nil
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body.Serve(w, r)
}
