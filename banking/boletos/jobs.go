package boletos

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/jobs"
)

// RegistryArgs is the durable job that brings the registry's answer to an issuance or a
// cancellation request (Answer). Not unique: Answer is idempotent, and a cancellation's answer
// must not be dropped as a duplicate of the issuance's.
type RegistryArgs struct {
	BoletoID uuid.UUID `json:"boleto_id"`
}

// Kind names the job in River's table.
func (RegistryArgs) Kind() string { return "boleto_registry" }

// InsertOpts puts it on the default queue with retries.
func (RegistryArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 25} }

type registryWorker struct {
	river.WorkerDefaults[RegistryArgs]
	s *Service
}

func (w *registryWorker) Work(ctx context.Context, job *river.Job[RegistryArgs]) error {
	return w.s.Answer(ctx, job.Args.BoletoID)
}

// CreditArgs is the durable job that credits a boleto paid at another bank on its credit day.
type CreditArgs struct {
	BoletoID uuid.UUID `json:"boleto_id"`
}

// Kind names the job in River's table.
func (CreditArgs) Kind() string { return "boleto_credit" }

// InsertOpts puts it on the default queue with retries.
func (CreditArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 25} }

type creditWorker struct {
	river.WorkerDefaults[CreditArgs]
	s *Service
}

// Work credits the boleto; before its credit day (by the service's clock) it snoozes until then.
func (w *creditWorker) Work(ctx context.Context, job *river.Job[CreditArgs]) error {
	err := w.s.Credit(ctx, job.Args.BoletoID)
	if errors.Is(err, ErrNotDue) {
		b, gerr := w.s.Get(ctx, job.Args.BoletoID)
		if gerr != nil {
			return gerr
		}
		return river.JobSnooze(max(w.s.creditAt(b).Sub(w.s.now()), time.Second))
	}
	return err
}

// InsertTxFunc inserts a River job inside a gorm transaction (jobs.Jobs.InsertTx).
type InsertTxFunc func(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error

// RiverRunner is the Runner on River: jobs are inserted in the transaction of the change that
// causes them.
type RiverRunner struct{ Insert InsertTxFunc }

// RegisterTx queues the registry's answer after a delay.
func (r RiverRunner) RegisterTx(tx *gorm.DB, id uuid.UUID, after time.Duration) error {
	return r.insert(tx, RegistryArgs{BoletoID: id}, RegistryArgs{}.InsertOpts(), after)
}

// CreditTx queues the clearing's credit after a delay.
func (r RiverRunner) CreditTx(tx *gorm.DB, id uuid.UUID, after time.Duration) error {
	return r.insert(tx, CreditArgs{BoletoID: id}, CreditArgs{}.InsertOpts(), after)
}

func (r RiverRunner) insert(tx *gorm.DB, args river.JobArgs, opts river.InsertOpts, after time.Duration) error {
	if after > 0 {
		opts.ScheduledAt = time.Now().Add(after)
	}
	return r.Insert(tx.Statement.Context, tx, args, &opts)
}

// Register adds the boletos' background work to j before it starts: the registry's answers, the
// clearing's credits, and ExpireDue as a sweep every expireEvery (0: never).
func (s *Service) Register(j *jobs.Jobs, expireEvery time.Duration) error {
	if err := jobs.AddWorker(j, &registryWorker{s: s}); err != nil {
		return fmt.Errorf("boletos: %w", err)
	}
	if err := jobs.AddWorker(j, &creditWorker{s: s}); err != nil {
		return fmt.Errorf("boletos: %w", err)
	}
	return j.AddSweep("boleto_write_off", expireEvery, s.ExpireDue)
}
