package payments

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/brazil"
)

// ExecuteArgs is the durable job that runs one payment (River).
type ExecuteArgs struct {
	PaymentID uuid.UUID `json:"payment_id"`
}

// Kind names the job in River's table.
func (ExecuteArgs) Kind() string { return "payment_execute" }

// InsertOpts makes one payment's job unique while it waits, so a retried approval never queues
// a second execution (Execute is idempotent anyway).
func (ExecuteArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "payments", MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ExecuteWorker runs ExecuteArgs jobs.
type ExecuteWorker struct {
	river.WorkerDefaults[ExecuteArgs]
	Service *Service
}

// Work executes the payment; a payment whose day has not come is snoozed until its window opens.
func (w *ExecuteWorker) Work(ctx context.Context, job *river.Job[ExecuteArgs]) error {
	err := w.Service.Execute(ctx, job.Args.PaymentID)
	if errors.Is(err, ErrNotDue) {
		p, gerr := w.Service.Get(ctx, job.Args.PaymentID)
		if gerr != nil {
			return gerr
		}
		wait := time.Until(w.Service.cfg.Calendar.RunAt(Kind(p.Kind), brazil.DateOf(p.RunOn)))
		return river.JobSnooze(max(wait, time.Second))
	}
	return err
}

// InsertTxFunc inserts a River job inside a gorm transaction (jobs.Jobs.InsertTx).
type InsertTxFunc func(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error

// RiverRunner is the Runner on River: the execution job is inserted in the same transaction as
// the state change that makes the payment due.
type RiverRunner struct{ Insert InsertTxFunc }

// EnqueueTx queues the payment's execution at at.
func (r RiverRunner) EnqueueTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, at time.Time) error {
	opts := ExecuteArgs{}.InsertOpts()
	if at.After(time.Now()) {
		// Only future jobs are "scheduled": River promotes those in its periodic scheduler
		// pass, so a job due now is inserted available and runs at once.
		opts.ScheduledAt = at
	}
	return r.Insert(ctx, tx, ExecuteArgs{PaymentID: paymentID}, &opts)
}
