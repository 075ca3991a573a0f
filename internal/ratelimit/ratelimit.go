// Package ratelimit limits how often each key (a client IP address) may do something, in memory
// and with a bound on that memory: a token bucket per key, at most MaxKeys buckets.
//
// In memory means per replica: N replicas allow N times the rate. That is the intent for the
// public operations it guards (verifyReceipt): slowing down a guesser, not metering customers.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter lets each key do Burst things at once, then one every Every. It keeps at most MaxKeys
// buckets: when full, it forgets the keys that have been idle long enough to have their whole
// burst back (forgetting them changes nothing), and if none has, it refuses new keys until one
// has, failing closed rather than growing. Each bucket is a few dozen bytes, so 10,000 keys cost
// well under a megabyte.
type Limiter struct {
	every   time.Duration
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// New returns a Limiter of burst at once and one more every every, for at most maxKeys keys,
// reading the time from now (time.Now when nil).
func New(every time.Duration, burst, maxKeys int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{every: every, burst: float64(burst), maxKeys: maxKeys, now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys && !l.forgetIdle(now) {
			return false
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refill adds the tokens earned since b was last brought up to date, up to the burst.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+float64(elapsed)/float64(l.every))
		b.at = now
	}
}

// forgetIdle drops every bucket that is full again and reports whether any was.
func (l *Limiter) forgetIdle(now time.Time) bool {
	forgot := false
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
			forgot = true
		}
	}
	return forgot
}
