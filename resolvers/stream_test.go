package resolvers

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// TestThousandSubscriptionsLeaveNothingBehind opens and ends 1,000 subscriptions, as gqlgen's
// chat example does, and checks the hub's subscribers and the goroutines return to baseline.
func TestThousandSubscriptionsLeaveNothingBehind(t *testing.T) {
	db, dsn := testdb.Open(t)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	hub := events.NewHub(db, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	runCtx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() { hub.Run(runCtx); close(hubDone) }()
	defer func() { stopHub(); <-hubDone }()
	time.Sleep(100 * time.Millisecond)

	baseline := runtime.NumGoroutine()
	cancels := make([]context.CancelFunc, 1000)
	for i := range cancels {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		if _, err := stream(ctx, hub, nil, nil, func(*events.Event) (*struct{}, bool) { return &struct{}{}, true }); err != nil {
			t.Fatal(err)
		}
	}
	if hub.Len() != 1000 {
		t.Fatalf("%d subscribers, want 1000", hub.Len())
	}
	for _, cancel := range cancels {
		cancel()
	}
	deadline := time.Now().Add(5 * time.Second)
	for (hub.Len() != 0 || runtime.NumGoroutine() > baseline+5) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if hub.Len() != 0 || runtime.NumGoroutine() > baseline+5 {
		t.Fatalf("after closing: %d subscribers, %d goroutines (baseline %d)", hub.Len(), runtime.NumGoroutine(), baseline)
	}
}
