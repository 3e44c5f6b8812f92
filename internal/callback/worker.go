package callback

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Job is a claimed delivery: what to send, and the claim that lets the worker record the
// outcome.
type Job struct {
	ID      string
	Event   string
	URL     string
	Payload []byte
	// Secret is the account's callback secret, read at claim time so that a new secret
	// applies to pending retries.
	Secret string
	// Attempt is the number of this attempt, from 1.
	Attempt   int
	CreatedAt time.Time
	ExpiresAt time.Time
	// Lease is the token of this claim.
	Lease string
}

// Outcome is the result of one attempt and what follows from it.
type Outcome struct {
	Attempt Attempt
	// State is Delivered, Pending (retry at Next) or Failed (given up).
	State string
	Next  time.Time
}

// Store keeps the outbox. Claiming marks jobs as leased until now+lease; a job whose lease
// expired without an outcome (its worker died) is due again.
type Store interface {
	ClaimCallbacks(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)
	FinishCallback(ctx context.Context, job Job, o Outcome) error
}

// Config tunes the worker. Zero fields take the defaults of DefaultConfig.
type Config struct {
	// Timeout bounds one attempt: connect, request and response (10 s).
	Timeout time.Duration
	// Lease is how long a claimed delivery belongs to this worker (twice Timeout). It must
	// exceed Timeout: after it, another worker may deliver the event again.
	Lease time.Duration
	// MinBackoff is the delay before the first retry (10 s); each further retry doubles it up
	// to MaxBackoff (1 h). Delays are jittered between half and the full value.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Poll is how often the worker looks for due deliveries when idle (1 s).
	Poll time.Duration
	// Batch is how many deliveries one claim takes (32); Concurrency how many are sent at
	// once (8).
	Batch       int
	Concurrency int
	// AllowPrivate lets callbacks reach loopback and private addresses (ORDERSTATUS_CALLBACKS_ALLOW_PRIVATE).
	AllowPrivate bool
	// OnOutcome, when set, is told the State of every recorded attempt (metrics).
	OnOutcome func(state string)
}

// DefaultConfig is the production configuration.
var DefaultConfig = Config{Timeout: 10 * time.Second, MinBackoff: 10 * time.Second,
	MaxBackoff: time.Hour, Poll: time.Second, Batch: 32, Concurrency: 8}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	if c.Timeout > 0 {
		d.Timeout = c.Timeout
	}
	d.Lease = 2 * d.Timeout
	if c.Lease > d.Timeout {
		d.Lease = c.Lease
	}
	if c.MinBackoff > 0 {
		d.MinBackoff = c.MinBackoff
	}
	if c.MaxBackoff > 0 {
		d.MaxBackoff = c.MaxBackoff
	}
	if d.MaxBackoff < d.MinBackoff {
		d.MaxBackoff = d.MinBackoff
	}
	if c.Poll > 0 {
		d.Poll = c.Poll
	}
	if c.Batch > 0 {
		d.Batch = c.Batch
	}
	if c.Concurrency > 0 {
		d.Concurrency = c.Concurrency
	}
	d.AllowPrivate = c.AllowPrivate
	d.OnOutcome = c.OnOutcome
	return d
}

// Worker delivers due callbacks: it claims them from the store, POSTs each signed, and
// records every attempt. Delivery is at least once; receivers deduplicate by the delivery id,
// and order payloads by their version (retries may overtake each other).
type Worker struct {
	store  Store
	cfg    Config
	client *http.Client
	logger *slog.Logger
	now    func() time.Time
}

// NewWorker returns a worker on store.
func NewWorker(store Store, cfg Config, logger *slog.Logger) *Worker {
	cfg = cfg.withDefaults()
	return &Worker{store: store, cfg: cfg, client: NewClient(cfg.Timeout, cfg.AllowPrivate), logger: logger, now: time.Now}
}

// SetClock replaces the clock (tests).
func (w *Worker) SetClock(now func() time.Time) { w.now = now }

// Run delivers callbacks until ctx is done. It then claims nothing more and returns once the
// attempts in flight have finished, each within the Timeout.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.logger.ErrorContext(ctx, "callbacks: claim failed", "err", err)
		}
		if n > 0 && err == nil {
			continue // more may be due
		}
		t := time.NewTimer(w.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due deliveries, attempts each and waits for them. It returns
// how many it claimed. Cancelling ctx does not cut the attempts short: an attempt cut short
// would be sent again, and each is bounded by the Timeout anyway.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	jobs, err := w.store.ClaimCallbacks(ctx, w.now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	ctx = context.WithoutCancel(ctx)
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			w.deliver(ctx, j)
		})
	}
	wg.Wait()
	return len(jobs), nil
}

func (w *Worker) deliver(ctx context.Context, j Job) {
	start := w.now()
	code, aerr := w.post(ctx, j, start)
	end := w.now()
	a := Attempt{No: j.Attempt, At: status.FormatTimestamp(start), DurationMS: end.Sub(start).Milliseconds(), StatusCode: code}
	o := Outcome{Attempt: a}
	switch {
	case aerr == nil:
		o.State = Delivered
	default:
		o.Attempt.Error = aerr.Error()
		if !end.Before(j.ExpiresAt) {
			o.State = Failed
		} else {
			o.State, o.Next = Pending, minTime(end.Add(w.backoff(j.Attempt)), j.ExpiresAt)
		}
	}
	if err := w.store.FinishCallback(ctx, j, o); err != nil {
		w.logger.ErrorContext(ctx, "callbacks: recording attempt failed", "delivery", j.ID, "err", err)
		return
	}
	if w.cfg.OnOutcome != nil {
		w.cfg.OnOutcome(o.State)
	}
	level := slog.LevelInfo
	if o.State != Delivered {
		level = slog.LevelWarn
	}
	w.logger.Log(ctx, level, "callback attempt", "delivery", j.ID, "event", j.Event, "attempt", j.Attempt,
		"status", code, "state", o.State, "err", o.Attempt.Error)
}

// post sends one attempt and returns the response status (0 without a response) and an error
// unless the receiver answered 2xx.
func (w *Worker) post(ctx context.Context, j Job, now time.Time) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "orderstatus-callbacks/1")
	req.Header.Set(HeaderEvent, j.Event)
	req.Header.Set(HeaderDelivery, j.ID)
	req.Header.Set(HeaderSignature, Sign(j.Secret, now, j.Payload))
	resp, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the log already
		}
		return 0, err
	}
	// Drain a little so that the connection can be reused; the body is not needed.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := "receiver answered " + resp.Status
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			msg += " (redirects are not followed; configure the final URL)"
		}
		return resp.StatusCode, errors.New(msg)
	}
	return resp.StatusCode, nil
}

// backoff is the delay after the attempt-th failed attempt: MinBackoff doubled per attempt,
// capped at MaxBackoff, jittered between half and the full value so that retries of many
// deliveries spread out.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.cfg.MinBackoff
	for i := 1; i < attempt && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
