package payroll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/jobs"
	"github.com/ponte-bff/ponte/models"
)

// RunArgs is the one durable job that runs a payroll (River).
type RunArgs struct {
	PayrollID uuid.UUID `json:"payroll_id"`
}

// Kind names the job in River's table.
func (RunArgs) Kind() string { return "payroll_run" }

// InsertOpts puts the run on the payments queue, once per payroll while it waits.
func (RunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "payments", MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RunWorker runs RunArgs jobs.
type RunWorker struct {
	river.WorkerDefaults[RunArgs]
	Service *Service
}

// Work runs the payroll for one slice of time. What is left (a big payroll, a shutdown) goes to
// the job's next attempt at once (JobSnooze(0), which costs no attempt); a payroll whose day has
// not come sleeps until then.
func (w *RunWorker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	done, err := w.Service.Run(ctx, job.Args.PayrollID, w.Service.cfg.Slice)
	var notDue *notDueError
	switch {
	case errors.As(err, &notDue):
		return river.JobSnooze(max(notDue.wait, time.Second))
	case err != nil && ctx.Err() != nil:
		return river.JobSnooze(0) // shutting down: the next replica resumes it
	case err != nil:
		return err
	case !done:
		return river.JobSnooze(0)
	}
	return nil
}

// Register adds the run worker to j before it starts.
func (s *Service) Register(j *jobs.Jobs) error {
	if err := jobs.AddWorker(j, &RunWorker{Service: s}); err != nil {
		return fmt.Errorf("payroll: %w", err)
	}
	return nil
}

// enqueue queues p's run in tx: now, or at its day's start in São Paulo.
func (s *Service) enqueue(ctx context.Context, tx *gorm.DB, p *models.Payroll) error {
	opts := RunArgs{}.InsertOpts()
	if wait := s.untilDay(p); wait > 0 {
		opts.ScheduledAt = time.Now().Add(wait)
	}
	return s.insert(ctx, tx, RunArgs{PayrollID: p.ID}, &opts)
}

// untilDay is how long until p's run day begins (0 when it has).
func (s *Service) untilDay(p *models.Payroll) time.Duration {
	day := brazil.DateOf(p.RunOn)
	now := s.payments.Now()
	start := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, saopaulo.Location)
	return max(0, start.Sub(now))
}

type notDueError struct{ wait time.Duration }

func (e *notDueError) Error() string { return "payroll: not due yet" }

// Run works a payroll for at most slice: it moves it to PROCESSING, executes its waiting salaries
// batch by batch (each batch one transaction of payments.ExecuteSalariesTx, in line order) and,
// once none waits, moves it to FINISHED or PARTIALLY_FAILED. done is false when time ran out
// first. Running it again, or after a crash at any point, pays nobody twice: a committed batch's
// salaries are no longer waiting, and an uncommitted one left nothing. A CANCELLED or finished
// payroll is left alone.
func (s *Service) Run(ctx context.Context, id uuid.UUID, slice time.Duration) (done bool, err error) {
	started := time.Now()
	var p *models.Payroll
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if p, err = lockPayroll(tx, id); err != nil {
			return err
		}
		switch Status(p.Status) {
		case StatusCreated, StatusScheduled:
			if wait := s.untilDay(p); wait > 0 {
				return &notDueError{wait: wait}
			}
			return s.move(ctx, tx, p, StatusProcessing, "system", nil)
		}
		return nil
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		return true, nil // nothing to run: never retry forever
	}
	if err != nil || Status(p.Status) != StatusProcessing {
		return err == nil, err
	}
	for {
		var ids []uuid.UUID
		if err := s.db.WithContext(ctx).Raw(`SELECT ps.payment_id FROM payroll_salaries ps JOIN payments p ON p.id = ps.payment_id
			WHERE ps.payroll_id = ? AND p.status IN ?
			ORDER BY ps.line LIMIT ?`, id, waiting, s.cfg.Batch).Scan(&ids).Error; err != nil {
			return false, err
		}
		if len(ids) == 0 {
			break
		}
		if err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			_, _, err := s.payments.ExecuteSalariesTx(ctx, tx, ids)
			return err
		}); err != nil {
			return false, err
		}
		if time.Since(started) > slice {
			return false, nil
		}
	}
	return true, s.finish(ctx, id)
}

// waiting are the salary statuses still to run.
var waiting = []payments.Status{payments.StatusApproved, payments.StatusScheduled, payments.StatusDelayed}

// finish moves a PROCESSING payroll whose salaries have all run to FINISHED, or PARTIALLY_FAILED
// when any failed.
func (s *Service) finish(ctx context.Context, id uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := lockPayroll(tx, id)
		if err != nil || Status(p.Status) != StatusProcessing {
			return err
		}
		counts, err := salaryCounts(tx, []uuid.UUID{id})
		if err != nil {
			return err
		}
		to := StatusFinished
		if counts[id].Failed > 0 {
			to = StatusPartiallyFailed
		}
		now := s.payments.Now()
		p.FinishedAt = &now
		return s.move(ctx, tx, p, to, "system", nil, "finished_at")
	})
}

// move changes p's status in tx, as the machine allows, and records its event; the caller holds
// p's row lock. It writes status, updated_at and the columns named in changed.
func (s *Service) move(ctx context.Context, tx *gorm.DB, p *models.Payroll, to Status, actor string, reason *string, changed ...string) error {
	from := Status(p.Status)
	if !canMove(from, to) {
		return apperr.E(apperr.Internal, "payroll %s cannot move from %s to %s", p.ID, from, to)
	}
	p.Status, p.UpdatedAt = string(to), s.payments.Now()
	if err := tx.Model(p).Select(append([]string{"status", "updated_at"}, changed...)).Updates(p).Error; err != nil {
		return err
	}
	return s.record(ctx, tx, p, from, EventName(to), actor, reason)
}

func lockPayroll(tx *gorm.DB, id uuid.UUID) (*models.Payroll, error) {
	var p models.Payroll
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.Field(apperr.NotFound, []string{"payrollId"}, "no payroll with this id")
	}
	return &p, err
}
