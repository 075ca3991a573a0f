package events_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// BenchmarkFanout measures commit-to-subscriber latency: one event is recorded (committed), the
// NOTIFY wakes the hub, the hub reads it and every one of N subscribers receives it. It reports
// the p50 and p99 of the time until the last subscriber has it, and the heap per subscriber.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

func benchFanout(b *testing.B, n int) {
	db, dsn := testdb.Open(b)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	hub := events.NewHub(db, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hub.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(200 * time.Millisecond)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	subs := make([]*events.Subscription, n)
	for i := range subs {
		subs[i] = hub.Subscribe()
	}
	var wg sync.WaitGroup
	received := make(chan struct{}, n)
	for _, s := range subs {
		wg.Add(1)
		go func(s *events.Subscription) { // each subscriber is its own goroutine, as a socket is
			defer wg.Done()
			for range s.C {
				received <- struct{}{}
			}
		}(s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perSub := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)

	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := db.Transaction(func(tx *gorm.DB) error {
			return events.Record(context.Background(), tx, &events.Event{Name: "bench", Topic: events.TopicPayment, ToStatus: "X", Actor: "system"})
		}); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < n; j++ {
			<-received
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	for _, s := range subs {
		s.Close()
	}
	wg.Wait()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(perSub, "heap-B/sub")
}
