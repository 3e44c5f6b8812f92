package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Verification limits (DESIGN §5). An email or postal code proof takes one attempt from each
// of three budgets before it is compared, atomically, and gives it back when it matched, so
// only wrong proofs count and a burst of parallel guesses is checked at most the limit:
//
//   - per order and client address: 5 wrong proofs per 15 minutes. One address guessing an
//     order is slowed to 20 guesses an hour;
//   - per client address, over every order: 20 wrong proofs per hour (480 a day), so an
//     address cannot walk many orders either;
//   - per order, over every address: 50 wrong proofs per day. This bounds the total number of
//     guesses at one order's email or postal code to 50 a day, however many addresses an
//     attacker has, while a wrong guess from one address never blocks the right proof from
//     another until that ceiling is reached.
//
// A postal code of five digits has 100,000 values: 50 guesses a day find it with a chance of
// 1 in 2,000 per day; an email address is far harder to guess.
const (
	OrderAddrAttempts = 5
	OrderAddrWindow   = 15 * time.Minute
	AddrAttempts      = 20
	AddrWindow        = time.Hour
	OrderDayAttempts  = 50
	OrderDayWindow    = 24 * time.Hour
)

// Limit is one attempt budget: at most Max attempts under Key per fixed Window.
type Limit struct {
	Key    string
	Max    int
	Window time.Duration
}

// LimitStore counts attempts atomically.
type LimitStore interface {
	// TakeAttempts takes one attempt from every limit when each has one left, as one atomic
	// step. When any is used up it takes nothing and returns how long until the last of them
	// has room again (> 0) and the key of one that is used up.
	TakeAttempts(ctx context.Context, limits []Limit, now time.Time) (wait time.Duration, refused string, err error)
	// ReturnAttempts gives back one attempt to every limit (a proof that matched).
	ReturnAttempts(ctx context.Context, limits []Limit, now time.Time) error
}

// RateLimitError says how long a caller must wait before trying again. Every surface answers
// it with 429 and a Retry-After header from RetryAfterSeconds.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many attempts; retry in %s", e.RetryAfter.Round(time.Second))
}

// RetryAfterSeconds is the Retry-After value: whole seconds, rounded up, at least 1.
func (e *RateLimitError) RetryAfterSeconds() int {
	s := int((e.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// RetryAfterMinutes is the wait in whole minutes, rounded up, for messages to people.
func (e *RateLimitError) RetryAfterMinutes() int {
	return max(int((e.RetryAfter+time.Minute-1)/time.Minute), 1)
}

// refusalKind names the budget a key belongs to, for the refusal hook.
func refusalKind(key string) string {
	switch {
	case strings.HasPrefix(key, "addr:"):
		return RefusedVerifyAddr
	case strings.HasPrefix(key, "order-day:"):
		return RefusedVerifyOrderDay
	}
	return RefusedVerifyOrder
}

// proofLimits are the budgets a proof from addr against the orders ids takes from.
func proofLimits(addr string, ids []string) []Limit {
	out := []Limit{{Key: "addr:" + addr, Max: AddrAttempts, Window: AddrWindow}}
	for _, id := range ids {
		out = append(out,
			Limit{Key: "order-addr:" + id + "|" + addr, Max: OrderAddrAttempts, Window: OrderAddrWindow},
			Limit{Key: "order-day:" + id, Max: OrderDayAttempts, Window: OrderDayWindow})
	}
	return out
}
