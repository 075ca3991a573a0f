package payments

import (
	"context"
	"crypto/sha256"
	"strconv"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Salaries are the payments of kind PAYROLL that a payroll (package payroll) creates and runs
// together: created in the payroll's own transaction, executed in batches by the payroll's one
// durable job, each an internal transfer to the employee's Ponte account under its own
// idempotency key. They change status only through move, as every payment does.

// Salary is one validated line of a payroll: who receives it (an account that could receive at
// validation) and how much.
type Salary struct {
	Line   int
	To     *models.Account // with its payment account
	Amount money.Cents
}

// SalaryKey is the idempotency key of a payroll's salary: the payroll and the line, so a run
// resumed after a crash finds each salary it already created or paid.
func SalaryKey(payrollID uuid.UUID, line int) string {
	return "payroll:" + payrollID.String() + ":" + strconv.Itoa(line)
}

// SalaryPlan is how a payroll's salaries run: APPROVED today, or SCHEDULED on a later day (any
// day: they are internal transfers). Errors: as Calendar.Plan (scheduledFor in the past or beyond
// the limit).
func (s *Service) SalaryPlan(scheduledFor *brazil.Date) (Plan, error) {
	return s.cfg.Calendar.Plan(KindInternalTransfer, s.now(), scheduledFor)
}

// CreateSalariesTx stores, in the caller's transaction, one PAYROLL payment per salary on
// accountID (the tenant's own: g must rest on ownership), with the first status of plan, their
// creation events and, for a SCHEDULED run, the scheduled balance. It queues no execution: the
// payroll's job runs them (ExecuteSalariesTx). The payments come back in the order of salaries.
func (s *Service) CreateSalariesTx(ctx context.Context, tx *gorm.DB, g auth.Grant, accountID, payrollID uuid.UUID, plan Plan,
	description *string, scheduledFor *brazil.Date, salaries []Salary) ([]*models.Payment, error) {
	if !g.Owned() {
		return nil, apperr.E(apperr.Forbidden, "a payroll runs only on the tenant's own account")
	}
	if err := accounts.CheckCanPay(tx, accountID); err != nil {
		return nil, err
	}
	now := s.now()
	fee := s.Fee(KindPayroll)
	ps := make([]*models.Payment, len(salaries))
	evs := make([]events.Event, len(salaries))
	var total money.Cents
	for i, sal := range salaries {
		key := SalaryKey(payrollID, sal.Line)
		h := sha256.Sum256([]byte(key))
		p := &models.Payment{ID: uuid.New(), TenantID: g.TenantID, AccountID: accountID, Kind: string(KindPayroll), Status: string(plan.Status),
			AmountCents: int64(sal.Amount), FeeCents: int64(fee), Description: description, RunOn: plan.Date.Time(), Target: targetOf(sal.To),
			IdempotencyKey: key, RequestHash: h[:], CreatedBy: g.Actor, CreatedAt: now, UpdatedAt: now}
		if scheduledFor != nil {
			t := scheduledFor.Time()
			p.ScheduledFor = &t
		}
		ps[i] = p
		evs[i] = events.Event{Name: EventName(KindPayroll, plan.Status), Topic: events.TopicPayment, TenantID: p.TenantID,
			AccountID: &p.AccountID, PaymentID: &p.ID, ToStatus: p.Status, Actor: g.Actor, OccurredAt: now}
		total += sal.Amount + fee
	}
	if err := tx.CreateInBatches(ps, 500).Error; err != nil {
		return nil, err
	}
	if plan.Status == StatusScheduled || plan.Status == StatusDelayed { // reserve, for all at once
		if err := s.ledger.AdjustScheduledTx(ctx, tx, accountID, total); err != nil {
			return nil, err
		}
	}
	return ps, events.RecordAll(ctx, tx, evs)
}

// ExecuteSalariesTx runs, in the caller's transaction, the salaries of ids that are waiting to
// run, each as Execute runs an internal transfer: posted to the ledger under the payment's own
// key and FINISHED, or FAILED with Stone's reason when the ledger refuses it (the refusal writes
// nothing). Salaries no longer waiting (already run, cancelled) are left alone, so a batch run
// again after a crash pays nobody twice. Errors: ErrNotDue for a salary whose day has not come;
// any technical error, which the caller rolls back and retries.
func (s *Service) ExecuteSalariesTx(ctx context.Context, tx *gorm.DB, ids []uuid.UUID) (finished, failed int, err error) {
	var ps []*models.Payment
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ? AND kind = ?", ids, KindPayroll).
		Order("id").Find(&ps).Error; err != nil {
		return 0, 0, err
	}
	// The receivers' ledger accounts, opened for the whole batch before its first posting locks any.
	var receivers []uuid.UUID
	for _, p := range ps {
		if runnable(Status(p.Status)) && p.Target.AccountID != nil {
			receivers = append(receivers, *p.Target.AccountID)
		}
	}
	if len(receivers) > 0 {
		if err := s.ledger.OpenAccountsTx(ctx, tx, receivers); err != nil {
			return 0, 0, err
		}
	}
	today := clockDate(s.now())
	for _, p := range ps {
		if !runnable(Status(p.Status)) {
			continue
		}
		if brazil.DateOf(p.RunOn).After(today) {
			return 0, 0, ErrNotDue
		}
		txn, err := s.transfer(ctx, tx, p, nil)
		if err != nil {
			reason, business := failureReason(err)
			if !business {
				return 0, 0, err
			}
			p.FailureReason = &reason
			if err := s.move(ctx, tx, p, StatusFailed, "system", &reason, "failure_reason"); err != nil {
				return 0, 0, err
			}
			failed++
			continue
		}
		now := s.now()
		p.LedgerTransactionID, p.FinishedAt = &txn.ID, &now
		if err := s.move(ctx, tx, p, StatusFinished, "system", nil, "ledger_transaction_id", "finished_at"); err != nil {
			return 0, 0, err
		}
		finished++
	}
	return finished, failed, nil
}

// CancelSalariesTx cancels, in the caller's transaction, the salaries of ids still SCHEDULED
// (their scheduled balance is released by move). Errors: INVALID_STATE when one has run.
func (s *Service) CancelSalariesTx(ctx context.Context, tx *gorm.DB, by string, ids []uuid.UUID) error {
	var ps []*models.Payment
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ? AND kind = ?", ids, KindPayroll).
		Order("id").Find(&ps).Error; err != nil {
		return err
	}
	for _, p := range ps {
		switch Status(p.Status) {
		case StatusCancelled:
		case StatusScheduled, StatusDelayed:
			if err := s.move(ctx, tx, p, StatusCancelled, by, nil); err != nil {
				return err
			}
		default:
			return apperr.E(apperr.InvalidState, "salary %s is %s and cannot be cancelled", p.ID, p.Status)
		}
	}
	return nil
}
