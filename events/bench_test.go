package events_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
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
	db, hub := runHub(b)
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
