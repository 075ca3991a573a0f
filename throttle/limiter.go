package throttle

import (
	"sync"
	"time"
)

// Limits are one bucket's size and refill rate, in cost points.
type Limits struct {
	Capacity    int // most points the bucket holds: the costliest operation it ever admits
	RestoreRate int // points restored per second
}

// Status is a bucket's state as clients see it (extensions.cost.throttleStatus, rateLimit).
type Status struct {
	MaximumAvailable   int
	CurrentlyAvailable int
	RestoreRate        int
}

// Decision is the answer to Take.
type Decision struct {
	Status
	Allowed    bool
	RetryAfter time.Duration // when not Allowed: how long until the cost fits
	TooLarge   bool          // the cost exceeds the capacity: it never fits
}

// milli is the bucket's resolution: points are kept in thousandths so that a refill over a few
// milliseconds is not lost to rounding.
const milli = 1000

// sweepFloor is how many buckets a Limiter keeps before it first forgets the full ones.
const sweepFloor = 1024

// Limiter holds the buckets of one replica, keyed by caller. Safe for concurrent use.
type Limiter struct {
	now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	sweepNext int // forget full buckets when the map reaches this size
}

type bucket struct {
	available int64     // thousandths of a point
	at        time.Time // when available was last brought up to date
	lim       Limits    // the limits it was last used with (a sweep judges by them)
}

// MaxLimit is the largest capacity and restore rate a bucket may have: it keeps every sum of
// thousandths of points times nanoseconds within an int64.
const MaxLimit = 1_000_000

// NewLimiter returns a Limiter reading time from now (nil: the system's clock).
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: map[string]*bucket{}, sweepNext: sweepFloor}
}

// Take spends cost points from key's bucket when they fit; otherwise it spends nothing and says
// how long until they would.
func (l *Limiter) Take(key string, lim Limits, cost int) Decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucket(key, lim, now)
	want := int64(max(cost, 0)) * milli
	d := Decision{Allowed: want <= b.available}
	switch {
	case d.Allowed:
		b.available -= want
	case cost > lim.Capacity:
		d.TooLarge = true
	default:
		d.RetryAfter = lim.timeToRestore(want - b.available)
	}
	d.Status = lim.status(b)
	return d
}

// Refund gives back points an operation took but did not use (its actual cost was lower).
func (l *Limiter) Refund(key string, lim Limits, points int) Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, lim, l.now())
	b.available = min(b.available+int64(max(points, 0))*milli, int64(lim.Capacity)*milli)
	return lim.status(b)
}

// Peek is key's bucket now, spending nothing.
func (l *Limiter) Peek(key string, lim Limits) Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.buckets[key]; !ok { // a missing bucket is full: do not grow the map to say so
		return Status{MaximumAvailable: lim.Capacity, CurrentlyAvailable: lim.Capacity, RestoreRate: lim.RestoreRate}
	}
	return lim.status(l.bucket(key, lim, l.now()))
}

// bucket returns key's bucket refilled up to now under lim, creating a full one if missing.
// Callers hold l.mu.
func (l *Limiter) bucket(key string, lim Limits, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.sweepNext {
			l.sweep(now)
		}
		b = &bucket{available: int64(lim.Capacity) * milli, at: now, lim: lim}
		l.buckets[key] = b
		return b
	}
	b.lim = lim
	lim.refill(b, now)
	return b
}

// sweep forgets the buckets that are full by now. The next sweep waits until the map has
// doubled, so sweeping costs amortized constant time per new bucket.
func (l *Limiter) sweep(now time.Time) {
	for key, b := range l.buckets {
		b.lim.refill(b, now)
		if b.available >= int64(b.lim.Capacity)*milli {
			delete(l.buckets, key)
		}
	}
	l.sweepNext = max(sweepFloor, 2*len(l.buckets))
}

// refill adds what the bucket restored since it was last brought up to date.
func (lim Limits) refill(b *bucket, now time.Time) {
	full := int64(lim.Capacity) * milli
	elapsed := now.Sub(b.at)
	switch {
	case b.available >= full: // full already, or its capacity was lowered
		b.available = full
	case elapsed <= 0: // the clock went back: restore nothing, lose nothing
		return
	case lim.RestoreRate <= 0:
	case elapsed >= lim.timeToRestore(full-b.available):
		b.available = full
	default: // elapsed is below the time to fill: with MaxLimit the product stays within int64
		b.available += int64(elapsed) * int64(lim.RestoreRate) * milli / int64(time.Second)
	}
	b.at = now
}

// timeToRestore is how long the bucket takes to restore thousandths points, rounded up. With
// MaxLimit, thousandths × 10⁹ stays within int64.
func (lim Limits) timeToRestore(thousandths int64) time.Duration {
	if lim.RestoreRate <= 0 {
		return time.Duration(1<<63 - 1)
	}
	perSecond := int64(lim.RestoreRate) * milli
	return time.Duration((thousandths*int64(time.Second) + perSecond - 1) / perSecond)
}

func (lim Limits) status(b *bucket) Status {
	return Status{MaximumAvailable: lim.Capacity, CurrentlyAvailable: int(b.available / milli), RestoreRate: lim.RestoreRate}
}
