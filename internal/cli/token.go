package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

const tokenUsage = `usage:
  orderstatus account token add --account ID [--ttl 90d]   prints a new API token (0: no expiry)
  orderstatus account token list --account ID              one JSON line per token
  orderstatus account token revoke --account ID --token tok_…`

// cmdAccountToken adds, lists and revokes API tokens.
func cmdAccountToken(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	var c config
	fl := newFlagSet("account token "+args[0], env)
	c.register(fl, env)
	id := fl.Int64("account", 0, "account id")
	var ttl, tokenID *string
	switch args[0] {
	case "add":
		ttl = fl.String("ttl", "90d", "validity (90d, 12h; 0 = no expiry)")
	case "list":
	case "revoke":
		tokenID = fl.String("token", "", "id of the token to revoke (tok_…, see list)")
	default:
		return fmt.Errorf("unknown account token command %q\n%s", args[0], tokenUsage)
	}
	if err := fl.Parse(args[1:]); err != nil || *id <= 0 || fl.NArg() > 0 {
		return errors.New(tokenUsage)
	}
	var d time.Duration
	if ttl != nil {
		var err error
		if d, err = parseTTL(*ttl); err != nil {
			return err
		}
	}
	if tokenID != nil && !strings.HasPrefix(*tokenID, "tok_") {
		return errors.New("--token: give the token's id (tok_…) as list prints it")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Account(ctx, *id); err != nil {
		return fmt.Errorf("account %d: %w", *id, err)
	}
	now := time.Now()
	enc := json.NewEncoder(env.Stdout)
	switch args[0] {
	case "add":
		t, secret := auth.NewAPIToken(*id, d, now)
		if err := db.CreateToken(ctx, t); err != nil {
			return err
		}
		return enc.Encode(map[string]any{"account": t.Account, "token": t.ID, "api_token": secret, "expires_at": optionalTime(t.ExpiresAt)})
	case "list":
		list, err := db.Tokens(ctx, *id)
		if err != nil {
			return err
		}
		for _, t := range list {
			if err := enc.Encode(map[string]any{"token": t.ID, "created_at": status.FormatTimestamp(t.CreatedAt),
				"expires_at": optionalTime(t.ExpiresAt), "last_used_at": optionalTime(t.LastUsedAt), "expired": t.Expired(now)}); err != nil {
				return err
			}
		}
		return nil
	default:
		if err := db.RevokeToken(ctx, *id, *tokenID); err != nil {
			if errors.Is(err, status.ErrNotFound) {
				return fmt.Errorf("account %d has no token %s", *id, *tokenID)
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "token %s revoked\n", *tokenID)
		return nil
	}
}

// optionalTime is a timestamp, or null for the zero time.
func optionalTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return status.FormatTimestamp(t)
}
