package payments

import (
	"fmt"
	"time"

	"github.com/ponte-bff/ponte/jobs"
)

// Register adds the payments' background work to j before it starts: the settlement worker (the
// jobs SettleTx inserts), the execution worker (for execution jobs queued before Batches), and
// ExpireDue as a sweep every expireEvery (0: never), run by one replica at a time. The payments
// that wait run in Batches.Run, not on j.
func (s *Service) Register(j *jobs.Jobs, expireEvery time.Duration) error {
	if err := jobs.AddWorker(j, &ExecuteWorker{Service: s}); err != nil {
		return fmt.Errorf("payments: %w", err)
	}
	if err := jobs.AddWorker(j, &SettleWorker{Service: s}); err != nil {
		return fmt.Errorf("payments: %w", err)
	}
	return j.AddSweep("payment_approval_expiry", expireEvery, s.ExpireDue)
}
