package jobs

import (
	"time"

	"github.com/riverqueue/river/rivertype"
)

// backoffPolicy is Config.Backoff as River's retry policy.
type backoffPolicy func(n int) time.Duration

// NextRetry counts failures as River's default policy does: the errors recorded so far plus this
// one (a snooze adds an attempt but no error).
func (b backoffPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(b(len(job.Errors) + 1))
}
