package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

const userUsage = `usage:
  orderstatus user add --email E --role admin|agent [--account ID]...   password from stdin
  orderstatus user passwd --email E                                     new password from stdin
  orderstatus user disable --email E
  orderstatus user sessions --email E [--revoke]                        list (or end) the user's console sessions`

func cmdUser(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	switch args[0] {
	case "add":
		return cmdUserAdd(ctx, args[1:], env)
	case "passwd":
		return cmdUserPasswd(ctx, args[1:], env)
	case "disable":
		return cmdUserDisable(ctx, args[1:], env)
	case "sessions":
		return cmdUserSessions(ctx, args[1:], env)
	}
	return fmt.Errorf("unknown user command %q\n%s", args[0], userUsage)
}

// accountList is a repeatable --account flag that also takes comma-separated ids.
type accountList []int64

func (l *accountList) String() string { return fmt.Sprint([]int64(*l)) }

func (l *accountList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("account %q: must be a positive integer", part)
		}
		*l = append(*l, id)
	}
	return nil
}

// readPassword reads the first line of stdin; a prompt goes to stderr so that stdout stays
// machine-readable.
func readPassword(env Env) (string, error) {
	fmt.Fprintf(env.Stderr, "Password (at least %d characters), then Enter: ", auth.MinPasswordLen)
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	fmt.Fprintln(env.Stderr)
	if err != nil && line == "" {
		return "", errors.New("no password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userFlags(name string, env Env, c *config) (*flag.FlagSet, *string) {
	fl := newFlagSet(name, env)
	c.register(fl, env)
	return fl, fl.String("email", "", "staff user's email")
}

func cmdUserAdd(ctx context.Context, args []string, env Env) error {
	var c config
	fl, email := userFlags("user add", env, &c)
	role := fl.String("role", "", "admin (every account) or agent (only --account)")
	var accounts accountList
	fl.Var(&accounts, "account", "account an agent may see; repeat or separate with commas")
	if err := fl.Parse(args); err != nil {
		return errors.New(userUsage)
	}
	u := auth.StaffUser{Email: auth.NormalizeStaffEmail(*email), Role: auth.Role(*role), Accounts: accounts}
	if err := auth.ValidateStaffUser(u); err != nil {
		return problems(err)
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	if u.PasswordHash, err = auth.HashPassword(pw); err != nil {
		return problems(err)
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err = db.CreateStaffUser(ctx, u)
	if err != nil {
		if errors.Is(err, status.ErrConflict) {
			return fmt.Errorf("a staff user %s already exists; use user passwd to change the password", u.Email)
		}
		return problems(err)
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{"user": u.ID, "email": u.Email, "role": u.Role, "accounts": accountsOrEmpty(u.Accounts)})
}

func cmdUserPasswd(ctx context.Context, args []string, env Env) error {
	var c config
	fl, email := userFlags("user passwd", env, &c)
	if err := fl.Parse(args); err != nil || *email == "" {
		return errors.New(userUsage)
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return problems(err)
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetStaffPassword(ctx, *email, hash); err != nil {
		if errors.Is(err, status.ErrNotFound) {
			return fmt.Errorf("no staff user %s", auth.NormalizeStaffEmail(*email))
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "password of %s changed; the user's sessions have ended\n", auth.NormalizeStaffEmail(*email))
	return nil
}

func cmdUserDisable(ctx context.Context, args []string, env Env) error {
	var c config
	fl, email := userFlags("user disable", env, &c)
	if err := fl.Parse(args); err != nil || *email == "" {
		return errors.New(userUsage)
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.DisableStaffUser(ctx, *email); err != nil {
		if errors.Is(err, status.ErrNotFound) {
			return fmt.Errorf("no staff user %s", auth.NormalizeStaffEmail(*email))
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "%s disabled; the user's sessions have ended\n", auth.NormalizeStaffEmail(*email))
	return nil
}

// cmdUserSessions lists a staff user's console sessions as JSON lines, or with --revoke
// ends all of them.
func cmdUserSessions(ctx context.Context, args []string, env Env) error {
	var c config
	fl, email := userFlags("user sessions", env, &c)
	revoke := fl.Bool("revoke", false, "end every session of the user")
	if err := fl.Parse(args); err != nil || *email == "" || fl.NArg() > 0 {
		return errors.New(userUsage)
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.StaffUserByEmail(ctx, *email)
	if errors.Is(err, status.ErrNotFound) {
		return fmt.Errorf("no staff user %s", auth.NormalizeStaffEmail(*email))
	}
	if err != nil {
		return err
	}
	if *revoke {
		n, err := db.RevokeStaffSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d sessions of %s ended\n", n, u.Email)
		return nil
	}
	list, err := db.StaffSessions(ctx, u.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	enc := json.NewEncoder(env.Stdout)
	for _, ss := range list {
		if ss.Expired(now) {
			continue
		}
		if err := enc.Encode(map[string]any{"session": ss.Label(), "created_at": status.FormatTimestamp(ss.CreatedAt),
			"last_seen_at": status.FormatTimestamp(ss.LastSeenAt), "expires_at": status.FormatTimestamp(ss.ExpiresAt()),
			"client_addr": ss.ClientAddr, "user_agent": ss.UserAgent}); err != nil {
			return err
		}
	}
	if len(list) == 0 {
		fmt.Fprintf(env.Stderr, "%s has no sessions\n", u.Email)
	}
	return nil
}

// problems turns a validation error into one line per problem, named by flag.
func problems(err error) error {
	var verr *status.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	lines := make([]string, 0, len(verr.Problems))
	for _, p := range verr.Problems {
		name := "--" + p.Attr
		if p.Attr == "password" {
			name = "password"
		}
		lines = append(lines, name+": "+p.Detail)
	}
	return errors.New(strings.Join(lines, "\n"))
}

func accountsOrEmpty(a []int64) []int64 {
	if a == nil {
		return []int64{}
	}
	return a
}
