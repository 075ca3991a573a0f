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

// ExecuteArgs is the durable job that ran one payment (River) before the payments table became
// the queue (Batches, migration 00021). Its worker stays registered so that jobs queued before
// the upgrade still run (Execute finds a payment a batch already ran and does nothing); nothing
// inserts it any more.
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
		wait := w.Service.cfg.Calendar.RunAt(Kind(p.Kind), brazil.DateOf(p.RunOn)).Sub(w.Service.now())
		return river.JobSnooze(max(wait, time.Second))
	}
	return err
}

// InsertTxFunc inserts a River job inside a gorm transaction (jobs.Jobs.InsertTx).
type InsertTxFunc func(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error

// RiverRunner inserts the payments' River jobs in the caller's transaction: since the payments
// table is the queue (Batches), only the settlement job (SettleTx).
type RiverRunner struct{ Insert InsertTxFunc }

// SettleArgs is the durable job that asks the rail about a sent payment.
type SettleArgs struct {
	PaymentID uuid.UUID `json:"payment_id"`
}

// Kind names the job in River's table.
func (SettleArgs) Kind() string { return "payment_settle" }

// InsertOpts puts settlement on the payments queue, once per payment.
func (SettleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "payments", MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SettleWorker runs SettleArgs jobs.
type SettleWorker struct {
	river.WorkerDefaults[SettleArgs]
	Service *Service
}

// Work asks the rail and refunds a returned payment.
func (w *SettleWorker) Work(ctx context.Context, job *river.Job[SettleArgs]) error {
	return w.Service.Settle(ctx, job.Args.PaymentID)
}

// SettleTx queues the rail's answer after a delay.
func (r RiverRunner) SettleTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, after time.Duration) error {
	opts := SettleArgs{}.InsertOpts()
	opts.ScheduledAt = time.Now().Add(after)
	return r.Insert(ctx, tx, SettleArgs{PaymentID: paymentID}, &opts)
}
