package throttle

import (
	"fmt"
	"testing"
	"time"
)

// clock is a settable clock for the limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBucketSpendsRefusesAndRefillsAtItsRate(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)}
	l := NewLimiter(c.now)
	lim := Limits{Capacity: 100, RestoreRate: 10}

	for i := range 4 {
		if d := l.Take("a", lim, 25); !d.Allowed || d.CurrentlyAvailable != 100-25*(i+1) {
			t.Fatalf("take %d: %+v", i, d)
		}
	}
	d := l.Take("a", lim, 25)
	if d.Allowed || d.TooLarge || d.RetryAfter != 2500*time.Millisecond || d.CurrentlyAvailable != 0 {
		t.Fatalf("an empty bucket: %+v, want refused with retry after 2.5s", d)
	}
	if other := l.Take("b", lim, 25); !other.Allowed || other.CurrentlyAvailable != 75 {
		t.Fatalf("another key is its own bucket: %+v", other)
	}
	c.advance(time.Second)
	if s := l.Peek("a", lim); s.CurrentlyAvailable != 10 || s.MaximumAvailable != 100 || s.RestoreRate != 10 {
		t.Fatalf("after 1s at 10/s: %+v", s)
	}
	c.advance(1500 * time.Millisecond)
	if d := l.Take("a", lim, 25); !d.Allowed || d.CurrentlyAvailable != 0 {
		t.Fatalf("after the announced wait the cost fits: %+v", d)
	}
	c.advance(time.Hour)
	if s := l.Peek("a", lim); s.CurrentlyAvailable != 100 {
		t.Fatalf("a bucket never holds more than its capacity: %+v", s)
	}
	if d := l.Take("a", lim, 101); d.Allowed || !d.TooLarge {
		t.Fatalf("a cost above the capacity never fits: %+v", d)
	}
	if s := l.Refund("a", lim, 50); s.CurrentlyAvailable != 100 {
		t.Fatalf("a refund never overfills: %+v", s)
	}
}

func TestBucketFollowsItsLimitsWhenTheyChange(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)}
	l := NewLimiter(c.now)
	l.Take("a", Limits{Capacity: 1000, RestoreRate: 1}, 100)
	if s := l.Peek("a", Limits{Capacity: 50, RestoreRate: 1}); s.CurrentlyAvailable != 50 {
		t.Fatalf("lowered capacity: %+v", s)
	}
	c.t = c.t.Add(-time.Minute) // a clock that goes back restores nothing and loses nothing
	if s := l.Peek("a", Limits{Capacity: 50, RestoreRate: 1}); s.CurrentlyAvailable != 50 {
		t.Fatalf("clock went back: %+v", s)
	}
}

func TestFullBucketsAreForgotten(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)}
	l := NewLimiter(c.now)
	lim := Limits{Capacity: 10, RestoreRate: 10}
	for i := range sweepFloor - 1 {
		l.Take(fmt.Sprint("caller-", i), lim, 10)
	}
	l.Take("busy", Limits{Capacity: 1000, RestoreRate: 1}, 1000)
	c.advance(2 * time.Second) // every caller's bucket refilled, except busy's
	l.Take("new", lim, 1)
	if len(l.buckets) != 2 {
		t.Fatalf("after a sweep %d buckets remain, want busy's and new's", len(l.buckets))
	}
	if s := l.Peek("busy", Limits{Capacity: 1000, RestoreRate: 1}); s.CurrentlyAvailable != 2 {
		t.Fatalf("a bucket still refilling is kept: %+v", s)
	}
}
