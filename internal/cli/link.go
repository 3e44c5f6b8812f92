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
	"github.com/orderstatus/orderstatus/internal/status"
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
	if err := fl.Parse(args); err != nil {
		return errUsage
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
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Account(ctx, *acctID)
	if err != nil {
		return fmt.Errorf("account %d: %w", *acctID, err)
	}
	now := time.Now()
	page := c.baseURL() + "/track?" + auth.SignedQuery(a, req.Lookup, d, now).Encode()
	if !*widget {
		fmt.Fprintln(env.Stdout, page)
		return nil
	}
	img := c.baseURL() + "/v4/track/orders/info-widget/?" + auth.SignedQuery(a, req.Lookup, d, now).Encode()
	fmt.Fprintln(env.Stdout, img)
	return nil
}
