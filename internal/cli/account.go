package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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

func cmdAccountSet(ctx context.Context, args []string, env Env) error {
	const use = "usage: orderstatus account set --account ID [--callback-url URL] [--public-view status|none] [--callback-mode changes|once] [--callback-topics T,…]"
	var c config
	fl := newFlagSet("account set", env)
	c.register(fl, env)
	id := fl.Int64("account", 0, "account id")
	cbURL := fl.String("callback-url", "", "where the account's callbacks go; \"\" removes it")
	view := fl.String("public-view", "", "what anonymous callers see: status or none")
	mode := fl.String("callback-mode", "", "changes (every event) or once (one callback, when the order is accepted or cancelled)")
	topics := fl.String("callback-topics", "", "comma-separated events to send ("+strings.Join(callback.Topics, ", ")+"); \"\" sends all")
	if err := fl.Parse(args); err != nil || *id == 0 || fl.NArg() > 0 {
		return errors.New(use)
	}
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["callback-url"] && !set["public-view"] && !set["callback-mode"] && !set["callback-topics"] {
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
	if err := db.UpdateAccount(ctx, a); err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{"account": a.ID, "callback_url": a.CallbackURL, "public_view": a.PublicView,
		"callback_mode": a.CallbackMode, "callback_topics": a.CallbackTopics})
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
