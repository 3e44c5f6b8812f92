package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/status"
)

func cmdAccount(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: orderstatus account add|set|rotate-key|rotate-session-keys|token")
	}
	switch args[0] {
	case "add":
		return cmdAccountAdd(ctx, args[1:], env)
	case "set":
		return cmdAccountSet(ctx, args[1:], env)
	case "rotate-key":
		return cmdAccountRotate(ctx, args[1:], env)
	case "token":
		return cmdAccountToken(ctx, args[1:], env)
	case "rotate-session-keys":
		return cmdRotateSessionKeys(ctx, args[1:], env)
	}
	return fmt.Errorf("unknown account command %q", args[0])
}

// NewAccount returns an account with fresh secrets and the API token to hand out.
func NewAccount(id int64, name string) (status.Account, string) {
	return status.Account{
		ID:             id,
		Name:           name,
		SigningKey:     auth.NewSecret("sk_"),
		CallbackSecret: auth.NewSecret("whsec_"),
		PublicView:     status.PublicViewStatus,
	}, auth.NewSecret("os_")
}

func cmdAccountAdd(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("account add", env)
	c.register(fl, env)
	name := fl.String("name", "", "shop name")
	id := fl.Int64("id", 0, "account id (default: next free)")
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name is required")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *id == 0 {
		*id, err = nextAccountID(ctx, db)
		if err != nil {
			return err
		}
	}
	if *id < 0 {
		return errors.New("--id must be positive")
	}
	a, token := NewAccount(*id, strings.TrimSpace(*name))
	if err := db.CreateAccount(ctx, a, auth.HashToken(token)); err != nil {
		if errors.Is(err, status.ErrConflict) {
			return fmt.Errorf("account %d already exists", *id)
		}
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{
		"account": a.ID, "name": a.Name, "api_token": token, "signing_key": a.SigningKey, "callback_secret": a.CallbackSecret,
	})
}

func nextAccountID(ctx context.Context, db status.Store) (int64, error) {
	accts, err := db.Accounts(ctx)
	if err != nil {
		return 0, err
	}
	next := int64(1001)
	for _, a := range accts {
		if a.ID >= next {
			next = a.ID + 1
		}
	}
	return next, nil
}

func cmdAccountRotate(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("account rotate-key", env)
	c.register(fl, env)
	id := fl.Int64("account", 0, "account id")
	if err := fl.Parse(args); err != nil || *id == 0 {
		return errors.New("usage: orderstatus account rotate-key --account ID")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Account(ctx, *id)
	if err != nil {
		return fmt.Errorf("account %d: %w", *id, err)
	}
	a.PreviousSigningKey = a.SigningKey
	a.SigningKey = auth.NewSecret("sk_")
	if err := db.UpdateAccount(ctx, a); err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{"account": a.ID, "signing_key": a.SigningKey,
		"note": "links signed with the previous key stay valid until the next rotation"})
}

// brandingFlags are the flags of `account set` for the fields of status.Branding, by the
// field's JSON name (which validation errors name).
var brandingFlags = []struct{ flag, attr, usage string }{
	{"display-name", "display_name", "name shown on the shopper page instead of the account name"},
	{"shop-url", "shop_url", "https URL of the shop (the logo links there)"},
	{"returns-url", "returns_url", "https URL where shoppers start a return (shown on delivered orders)"},
	{"accent-color", "accent_color", "accent colour, #rrggbb; must reach WCAG AA (4.5:1) against white"},
	{"support-email", "support_email", "support email address"},
	{"support-phone", "support_phone", "support phone number"},
	{"support-url", "support_url", "https URL of the shop's help page"},
	{"language", "language", "default language of the account's pages (ISO 639-1, e.g. de)"},
}

func cmdAccountSet(ctx context.Context, args []string, env Env) error {
	const use = "usage: orderstatus account set --account ID [--callback-url URL] [--public-view status|none] [--callback-mode changes|once] [--callback-topics T,…]" +
		" [--display-name N] [--logo FILE] [--accent-color #rrggbb] [--shop-url URL] [--returns-url URL] [--support-email E] [--support-phone P] [--support-url URL] [--language L]"
	var c config
	fl := newFlagSet("account set", env)
	c.register(fl, env)
	id := fl.Int64("account", 0, "account id")
	cbURL := fl.String("callback-url", "", "where the account's callbacks go; \"\" removes it")
	view := fl.String("public-view", "", "what anonymous callers see: status or none")
	mode := fl.String("callback-mode", "", "changes (every event) or once (one callback, when the order is accepted or cancelled)")
	topics := fl.String("callback-topics", "", "comma-separated events to send ("+strings.Join(callback.Topics, ", ")+"); \"\" sends all")
	logo := fl.String("logo", "", "PNG, JPEG or WebP file to show as the shop's logo (stored in the database); \"\" removes it")
	brand := map[string]*string{}
	for _, f := range brandingFlags {
		brand[f.attr] = fl.String(f.flag, "", f.usage+"; \"\" removes it")
	}
	if err := fl.Parse(args); err != nil || *id == 0 || fl.NArg() > 0 {
		return errors.New(use)
	}
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })
	changed := set["callback-url"] || set["public-view"] || set["callback-mode"] || set["callback-topics"] || set["logo"]
	for _, f := range brandingFlags {
		changed = changed || set[f.flag]
	}
	if !changed {
		return errors.New(use)
	}
	if set["callback-mode"] && *mode != status.CallbackChanges && *mode != status.CallbackOnce {
		return fmt.Errorf("--callback-mode: want %s or %s", status.CallbackChanges, status.CallbackOnce)
	}
	var topicList []string
	for _, t := range strings.Split(*topics, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !slices.Contains(callback.Topics, t) {
			return fmt.Errorf("--callback-topics: %q is not one of %s", t, strings.Join(callback.Topics, ", "))
		}
		topicList = append(topicList, t)
	}
	allowPrivate, err := allowPrivateCallbacks(env.Getenv)
	if err != nil {
		return err
	}
	u := strings.TrimSpace(*cbURL)
	if u != "" {
		if err := callback.CheckURL(u, allowPrivate); err != nil {
			return fmt.Errorf("--callback-url: %w", err)
		}
	}
	if set["public-view"] && *view != status.PublicViewStatus && *view != status.PublicViewNone {
		return fmt.Errorf("--public-view: want %s or %s", status.PublicViewStatus, status.PublicViewNone)
	}
	var newLogo *status.Logo
	if set["logo"] && *logo != "" {
		data, err := readLogoFile(*logo)
		if err != nil {
			return fmt.Errorf("--logo: %w", err)
		}
		l, err := status.CheckLogo(*id, data)
		if err != nil {
			return flagError(err, map[string]string{"logo": "logo"})
		}
		newLogo = &l
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Account(ctx, *id)
	if err != nil {
		return fmt.Errorf("account %d: %w", *id, err)
	}
	if set["callback-url"] {
		a.CallbackURL = u
	}
	if set["public-view"] {
		a.PublicView = *view
	}
	if set["callback-mode"] {
		a.CallbackMode = *mode
	}
	if set["callback-topics"] {
		a.CallbackTopics = topicList
	}
	b, err := brandingFromFlags(status.BrandingOf(a), brand, set)
	if err != nil {
		return err
	}
	b.Apply(&a)
	if err := db.UpdateAccount(ctx, a); err != nil {
		return err
	}
	switch {
	case newLogo != nil:
		err = db.SetLogo(ctx, *newLogo)
		a.LogoURL = newLogo.URL()
	case set["logo"]:
		err = db.DeleteLogo(ctx, a.ID)
		a.LogoURL = ""
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{"account": a.ID, "callback_url": a.CallbackURL, "public_view": a.PublicView,
		"callback_mode": a.CallbackMode, "callback_topics": a.CallbackTopics, "branding": status.BrandingOf(a), "logo_url": a.LogoURL})
}

// brandingFromFlags replaces the branding fields whose flags were given and checks the
// result; an error names the flag.
func brandingFromFlags(b status.Branding, values map[string]*string, set map[string]bool) (status.Branding, error) {
	names := map[string]string{}
	fields := map[string]*string{"display_name": &b.DisplayName, "shop_url": &b.ShopURL, "returns_url": &b.ReturnsURL, "accent_color": &b.AccentColor,
		"support_email": &b.SupportEmail, "support_phone": &b.SupportPhone, "support_url": &b.SupportURL, "language": &b.Language}
	for _, f := range brandingFlags {
		names[f.attr] = f.flag
		if set[f.flag] {
			*fields[f.attr] = *values[f.attr]
		}
	}
	out, err := status.CheckBranding(b)
	if err != nil {
		return b, flagError(err, names)
	}
	return out, nil
}

// flagError turns a validation error into one line per problem, named by its flag.
func flagError(err error, flags map[string]string) error {
	var verr *status.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	lines := make([]string, 0, len(verr.Problems))
	for _, p := range verr.Problems {
		name := p.Attr
		if f, ok := flags[p.Attr]; ok {
			name = f
		}
		lines = append(lines, "--"+name+": "+p.Detail)
	}
	return errors.New(strings.Join(lines, "\n"))
}

// readLogoFile reads a logo upload, refusing files far beyond what CheckLogo accepts before
// reading them whole.
func readLogoFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, status.MaxLogoBytes+1))
}

// cmdRotateSessionKeys replaces the keys that sign and encrypt session cookies and ends
// every staff session.
func cmdRotateSessionKeys(ctx context.Context, args []string, env Env) error {
	var c config
	fl := newFlagSet("account rotate-session-keys", env)
	c.register(fl, env)
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return errors.New("usage: orderstatus account rotate-session-keys")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.RotateSessionKeys(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "session keys replaced; %d staff sessions ended. Running servers switch to new keys "+
		"within 30 seconds; from then on every shopper and staff cookie made with the old keys is refused\n", n)
	return nil
}
