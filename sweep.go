package main

import (
	"context"
	"log/slog"
	"time"
)

// sweep runs job every interval until ctx ends: periodic upkeep such as expiring consents. It is
// safe on every replica (the jobs lock what they change) and logs, never stops, on failure.
func sweep(ctx context.Context, interval time.Duration, log *slog.Logger, job func(context.Context) (int, error)) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := job(ctx); err != nil && ctx.Err() == nil {
				log.Error("sweep", "err", err)
			} else if n > 0 {
				log.Info("sweep", "changed", n)
			}
		}
	}
}
