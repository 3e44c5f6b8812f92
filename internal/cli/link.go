package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	widgetpng "github.com/orderstatus/orderstatus/internal/widget"
)

// parseTTL reads durations like "90d", "12h" or "0" (no expiry).
func parseTTL(s string) (time.Duration, error) {
	if s == "0" || s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("invalid --ttl %q", s)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid --ttl %q (use e.g. 90d or 12h, 0 for no expiry)", s)
	}
	return d, nil
}

func cmdLink(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("link", env)
	c.register(fl, env)
	acctID := fl.Int64("account", 0, "account id")
	ttl := fl.String("ttl", "90d", "validity (90d, 12h; 0 = no expiry)")
	widget := fl.Bool("widget", false, "print the email widget image URL instead of the page URL")
	html := fl.Bool("html", false, "with --widget: print ready-to-paste email HTML (link around the image, status in the alt text)")
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if *html && !*widget {
		return errors.New("--html goes with --widget")
	}
	if *acctID == 0 || fl.NArg() == 0 {
		return errors.New("usage: orderstatus link --account ID [--ttl 90d] [--widget] KEY=VALUE... (e.g. order_number=A-1001)")
	}
	d, err := parseTTL(*ttl)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, kv := range fl.Args() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("argument %q is not KEY=VALUE", kv)
		}
		q.Set(k, v)
	}
	q.Set("account", strconv.FormatInt(*acctID, 10))
	req, err := status.ParseInfoRequest(q)
	if err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Account(ctx, *acctID)
	if err != nil {
		return fmt.Errorf("account %d: %w", *acctID, err)
	}
	// A link names one order: the lookup given here finds it, and the link signs its full
	// identity (order number, account and client key), which no other order shares.
	ids, err := db.FindOrderIDs(ctx, req.Lookup, 10)
	if err != nil {
		return err
	}
	switch {
	case len(ids) == 0:
		return fmt.Errorf("no order matches %s", strings.Join(fl.Args(), " "))
	case len(ids) > 1:
		return fmt.Errorf("%d orders match %s; name one (add client_key=… or use external_order_id=…)", len(ids), strings.Join(fl.Args(), " "))
	}
	o, err := db.Order(ctx, ids[0])
	if err != nil {
		return err
	}
	now := time.Now()
	lookup := auth.OrderLookup(o)
	page := c.baseURL() + "/track?" + auth.SignedQuery(a, lookup, d, now).Encode()
	if !*widget {
		fmt.Fprintln(env.Stdout, page)
		return nil
	}
	wq := auth.SignedQuery(a, lookup, d, now)
	if req.Lang != "" {
		wq.Set("lang", req.Lang)
	}
	img := c.baseURL() + "/v4/track/orders/info-widget/?" + wq.Encode()
	if !*html {
		fmt.Fprintln(env.Stdout, img)
		return nil
	}
	lang := i18n.Match(req.Lang, o.LanguageISO2, a.Language)
	if lang == "" {
		lang = i18n.Default
	}
	sum := status.Summarize(o, status.SummaryOptions{Access: status.AccessShopper, Lang: lang, Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort})
	fmt.Fprintln(env.Stdout, widgetpng.Snippet(page, img, sum.Alt, widgetpng.DefaultWidth))
	return nil
}
