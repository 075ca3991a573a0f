package webhooks

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// DefaultMaxAttempts is how many times a delivery is tried: with DefaultBackoff the last try comes
// about 29 h 22 min after the first, so an endpoint down for a whole day still gets its events.
const DefaultMaxAttempts = 16

// DefaultBackoff is the wait after the nth failed attempt: 10 s doubled each time (10 s, 20 s,
// 40 s, ... 5 h 41 min 20 s after the 12th failure), at most 6 h. Counted from the first attempt,
// the tries happen at
//
//	#1 0          #5 2m30s      #9  42m30s     #13 11h22m30s
//	#2 10s        #6 5m10s      #10 1h25m10s   #14 17h22m30s
//	#3 30s        #7 10m30s     #11 2h50m30s   #15 23h22m30s
//	#4 1m10s      #8 21m10s     #12 5h41m10s   #16 29h22m30s
//
// plus each attempt's own duration and up to 10% jitter per wait (only ever later, so the
// schedule above is the earliest).
func DefaultBackoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	const base, ceiling = 10 * time.Second, 6 * time.Hour
	if n > 12 { // 10 s × 2¹² is past the ceiling already
		return ceiling
	}
	return min(base<<(n-1), ceiling)
}

// jittered adds up to 10% to d, the same for a given delivery and attempt, so that the time the
// worker records as next_attempt_at is the one River uses, and retries of many deliveries that
// failed together (an endpoint's outage) spread out.
func jittered(d time.Duration, delivery uuid.UUID, attempt int) time.Duration {
	h := sha256.Sum256(append(delivery[:], byte(attempt), byte(attempt>>8)))
	frac := float64(binary.BigEndian.Uint64(h[:8])>>11) / (1 << 53) // [0, 1)
	return d + time.Duration(frac*0.1*float64(d))
}
