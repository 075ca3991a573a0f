package consent

import (
	"time"

	"github.com/ponte-bff/ponte/jobs"
)

// Register adds the consents' background work to j before it starts: ExpireDue as a sweep every
// expireEvery (0: never), run by one replica at a time.
func (s *Service) Register(j *jobs.Jobs, expireEvery time.Duration) error {
	return j.AddSweep("consent_expiry", expireEvery, s.ExpireDue)
}
