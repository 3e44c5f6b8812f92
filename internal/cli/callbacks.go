package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/status"
)

// integrations is the configuration of callbacks and carrier adapters, from the environment:
//
//	ORDERSTATUS_CALLBACKS_ALLOW_PRIVATE  true: callbacks may reach loopback and private addresses
//	ORDERSTATUS_CALLBACK_TIMEOUT         one attempt's limit (10s)
//	ORDERSTATUS_CALLBACK_BACKOFF         delay before the first retry (10s), doubled per retry up to 1h
//	ORDERSTATUS_CALLBACK_POLL            how often an idle worker looks for due callbacks (1s)
//	ORDERSTATUS_DHL_API_KEY              enables the DHL adapter (live refresh for DHL couriers)
//	ORDERSTATUS_DHL_BASE_URL             DHL Unified API base URL (https://api-eu.dhl.com)
type integrations struct {
	Callbacks callback.Config
	Carriers  *carrier.Registry
}

func integrationsFromEnv(getenv func(string) string) (integrations, error) {
	var in integrations
	var err error
	if in.Callbacks.AllowPrivate, err = allowPrivateCallbacks(getenv); err != nil {
		return in, err
	}
	for _, d := range []struct {
		key string
		dst *time.Duration
	}{
		{"ORDERSTATUS_CALLBACK_TIMEOUT", &in.Callbacks.Timeout},
		{"ORDERSTATUS_CALLBACK_BACKOFF", &in.Callbacks.MinBackoff},
		{"ORDERSTATUS_CALLBACK_POLL", &in.Callbacks.Poll},
	} {
		if v := getenv(d.key); v != "" {
			if *d.dst, err = time.ParseDuration(v); err != nil || *d.dst <= 0 {
				return in, fmt.Errorf("%s=%q: want a positive duration such as 10s", d.key, v)
			}
		}
	}
	var adapters []carrier.Adapter
	if key := getenv("ORDERSTATUS_DHL_API_KEY"); key != "" {
		adapters = append(adapters, carrier.NewDHL(getenv("ORDERSTATUS_DHL_BASE_URL"), key))
	}
	in.Carriers = carrier.NewRegistry(adapters...)
	return in, nil
}

func allowPrivateCallbacks(getenv func(string) string) (bool, error) {
	v := getenv(callback.AllowPrivateEnv)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", callback.AllowPrivateEnv, v)
	}
	return b, nil
}

// startCallbacks runs the callback worker until ctx is done or the returned stop is called;
// stop waits for the worker to finish its attempts in flight.
func startCallbacks(ctx context.Context, db callback.Store, cfg callback.Config, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	w := callback.NewWorker(db, cfg, log)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func cmdCallbacks(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "retry" {
		return errors.New("usage: orderstatus callbacks retry --delivery ID")
	}
	var c config
	fl := newFlagSet("callbacks retry", env)
	c.register(fl, env)
	id := fl.String("delivery", "", "delivery id (X-Orderstatus-Delivery)")
	if err := fl.Parse(args[1:]); err != nil || strings.TrimSpace(*id) == "" {
		return errors.New("usage: orderstatus callbacks retry --delivery ID")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.RetryCallback(ctx, strings.TrimSpace(*id))
	if errors.Is(err, status.ErrNotFound) {
		return fmt.Errorf("no delivery %s", *id)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(map[string]any{"delivery": d.ID, "event": d.Event, "order": d.OrderID,
		"state": d.State, "next_attempt_at": d.NextAttemptAt, "expires_at": d.ExpiresAt})
}
