package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/internal/widget"
)

// widgetCacheBytes bounds the memory of rendered widget images.
const widgetCacheBytes = 32 << 20

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
	key := "fallback|" + lang + "|" + strconv.Itoa(p.opt.Width) + "|" + strconv.Itoa(p.opt.Scale) + "|" + p.opt.Theme
	png, ok := s.widgets.Get(key)
	if !ok {
		var err error
		png, err = widget.Fallback(i18n.T(lang, "widget.fallback"), p.opt)
		if err != nil {
			s.logger.ErrorContext(r.Context(), "widget fallback", "err", err)
			http.Error(w, "", http.StatusInternalServerError)
			return
		}
		s.widgets.Add(key, png)
	}
	w.Header().Set("X-Orderstatus-Widget", "fallback; reason="+reason)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
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
	now := s.now()
	// The image changes with the order, the language, the size and the day ("expected today").
	day := now.UTC().Format(status.DateLayout)
	sum := sha256.Sum256([]byte(strings.Join([]string{res.Order.ID, strconv.FormatInt(res.Order.Version, 10), lang,
		strconv.Itoa(p.opt.Width), strconv.Itoa(p.opt.Scale), p.opt.Theme, day, res.TrackingID, strconv.FormatBool(req.SingleTracking),
		res.Account.Name, res.Account.AccentColor}, "|")))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	png, ok := s.widgets.Get(etag)
	if !ok {
		info := status.BuildInfo(res.Order, s.infoOptions(res, req, lang))
		png, err = widget.Render(widgetData(info, res.Account, lang, now), p.opt)
		if err != nil {
			s.logger.ErrorContext(r.Context(), "widget render", "err", err)
			s.widgetFallback(w, r, p, "error")
			return
		}
		s.widgets.Add(etag, png)
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}

// widgetData is what the widget draws: the shop, the order number and the status. Nothing
// personal beyond the order number, since emails get forwarded.
func widgetData(info *status.Info, acct status.Account, lang string, now time.Time) widget.Data {
	sm := summarize(info, lang, now)
	d := widget.Data{
		ShopName: acct.Name, Accent: acct.AccentColor, OrderLabel: i18n.T(lang, "widget.order", "number", info.OrderNumber),
		Headline: sm.Headline, Tone: widgetTone(sm.Tone), Promise: sm.Promise, Summary: sm.Counts,
		CallToAction: i18n.T(lang, "widget.view_details"), Icon: "box",
	}
	for i := 0; i < 5; i++ {
		d.StepLabels[i] = i18n.T(lang, "step."+strconv.Itoa(i+1))
	}
	if t := sm.Lead; t != nil {
		ds := t.LastDeliveryStatus
		d.Icon, d.Step = ds.IconHint, ds.Step
		if ds.LifecycleStatus == status.Cancelled {
			d.Step = 0
		}
		if ds.LifecycleStatus == status.PickupReady {
			d.StepLabels[3] = i18n.T(lang, "lifecycle.PickupReady")
			if t.PickupLocation != nil {
				d.Detail = t.PickupLocation.Name
			}
		}
		courier := t.CourierInfo.CourierName
		if courier == "" {
			courier = t.CourierInfo.Courier
		}
		if courier != "" {
			d.Courier = i18n.T(lang, "widget.courier", "courier", courier)
		}
	} else if info.IsCancelled {
		d.Icon = "cancel"
	} else {
		d.Icon, d.Step = "clock", 1
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
	info := status.BuildInfo(res.Order, s.infoOptions(res, req, lang))
	w.Write([]byte(AltText(info, lang, s.now())))
}
