package ratelimit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/internal/ratelimit"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	l := ratelimit.New(time.Minute, 3, 2, func() time.Time { return now })

	t.Run("ABurstThenOneEveryPeriodPerKey", func(t *testing.T) {
		for i := range 3 {
			if !l.Allow("a") {
				t.Fatalf("call %d of the burst refused", i)
			}
		}
		if l.Allow("a") {
			t.Fatal("a fourth call at once was allowed")
		}
		if !l.Allow("b") {
			t.Fatal("another key shares the first one's bucket")
		}
		now = now.Add(time.Minute)
		if !l.Allow("a") || l.Allow("a") {
			t.Fatal("after a period: not exactly one more call")
		}
	})

	t.Run("MemoryIsBoundedAndFailsClosed", func(t *testing.T) {
		for l.Allow("b") { // a and b are busy: a third key finds no room and is refused, not added
		}
		if l.Allow("c") {
			t.Fatal("a third key was let in beyond MaxKeys while the others are busy")
		}
		now = now.Add(3 * time.Minute) // a and b have their whole burst back: idle, forgettable
		for i := range 10 {
			key := fmt.Sprint("k", i)
			if !l.Allow(key) && i < 2 {
				t.Fatalf("%s refused after the idle keys could be forgotten", key)
			}
		}
	})
}
