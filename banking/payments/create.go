package payments

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Common are the fields every payment kind takes.
type Common struct {
	AccountID      uuid.UUID
	Amount         money.Cents
	Description    *string
	ScheduledFor   *brazil.Date
	IdempotencyKey string
}

// draft is a validated payment about to be stored.
type draft struct {
	Common
	kind   Kind
	target Target
	hash   []byte
}

// create stores a validated draft: idempotently under (tenant, key), CREATED with a pending
// approval or already APPROVED/SCHEDULED/DELAYED, with its event and, when due, its execution.
// o is the authorizer's grant: a cash-out on an account the tenant owns needs no approval; one it
// reaches through consent waits for the holder. An instant payment (an internal transfer due now
// that needs no approval) is executed in the same transaction: it is stored APPROVED with its
// event, posted through the ledger and moved to FINISHED or FAILED with its own event, all in one
// commit, and the answer (and every replay of its key) is that final payment.
func (s *Service) create(ctx context.Context, o auth.Grant, d draft) (*models.Payment, error) {
	now := s.now()
	plan, err := s.cfg.Calendar.Plan(d.kind, now, d.ScheduledFor)
	if err != nil {
		return nil, err
	}
	p := &models.Payment{
		TenantID: o.TenantID, AccountID: d.AccountID, Kind: string(d.kind), AmountCents: int64(d.Amount),
		FeeCents: int64(s.Fee(d.kind)), Description: d.Description, RunOn: plan.Date.Time(), Target: d.target,
		IdempotencyKey: d.IdempotencyKey, RequestHash: d.hash, CreatedBy: o.Actor, CreatedAt: now, UpdatedAt: now,
	}
	if d.ScheduledFor != nil {
		t := d.ScheduledFor.Time()
		p.ScheduledFor = &t
	}
	if !o.Owned() {
		// The holder must decide before the payment's day comes, and within the approval TTL.
		expires := now.Add(s.cfg.ApprovalTTL)
		if runAt := s.cfg.Calendar.RunAt(d.kind, plan.Date); plan.Status != StatusApproved && runAt.Before(expires) {
			expires = runAt
		}
		pending := "PENDING"
		p.Status, p.ApprovalStatus, p.ApprovalExpiresAt = string(StatusCreated), &pending, &expires
	} else {
		p.Status = string(plan.Status)
	}
	// Its events (created, and for an instant payment its entries and its end) are written last,
	// in one statement.
	ctx, pending := events.Defer(ctx)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.createIn(ctx, tx, o, d, p); err != nil {
			return err
		}
		return pending.Flush(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// createIn is create's transaction: it stores p (or finds the payment its key names), and runs
// or queues it.
func (s *Service) createIn(ctx context.Context, tx *gorm.DB, o auth.Grant, d draft, p *models.Payment) error {
	// The insert claims the key: a new payment costs no lookup first, and a concurrent request
	// with the same key waits on it until this one commits, then finds this payment (a replay
	// answers what was stored, even if the account has changed since).
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(p)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		existing, err := findByKey(tx, o.TenantID, d.IdempotencyKey)
		if err == nil && existing == nil {
			err = fmt.Errorf("payments: idempotency key %q conflicted but is not there", d.IdempotencyKey)
		}
		if err != nil {
			return err
		}
		*p = *existing
		return sameRequest(existing, d.hash)
	}
	if err := accounts.CheckCanPay(tx, d.AccountID); err != nil {
		return err // rolls the insert back
	}
	if err := s.reserve(ctx, tx, p, "", Status(p.Status)); err != nil {
		return err
	}
	if err := s.record(ctx, tx, p, "", Status(p.Status), o.Actor, nil); err != nil {
		return err
	}
	if instant(p) { // posted here: FINISHED or FAILED in the answer, no job
		return s.run(ctx, tx, p)
	}
	return s.scheduleIfDue(ctx, tx, p)
}

// scheduleIfDue hands a payment that needs no more decisions to the runner, at its run time (the
// caller wakes the runner once its transaction has committed: Service.wake).
func (s *Service) scheduleIfDue(ctx context.Context, tx *gorm.DB, p *models.Payment) error {
	switch Status(p.Status) {
	case StatusApproved, StatusScheduled, StatusDelayed:
		var after time.Duration
		if Status(p.Status) != StatusApproved {
			after = max(0, s.cfg.Calendar.RunAt(Kind(p.Kind), brazil.DateOf(p.RunOn)).Sub(s.now()))
		}
		return s.runner.EnqueueTx(ctx, tx, p.ID, after)
	}
	return nil
}

func findByKey(tx *gorm.DB, tenantID *uuid.UUID, key string) (*models.Payment, error) {
	var p models.Payment
	q := tx.Where("idempotency_key = ?", key)
	if tenantID == nil {
		q = q.Where("tenant_id IS NULL")
	} else {
		q = q.Where("tenant_id = ?", *tenantID)
	}
	err := q.Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &p, err
}

func sameRequest(p *models.Payment, hash []byte) error {
	if string(p.RequestHash) != string(hash) {
		return apperr.Field(apperr.IdempotencyKeyReused, []string{"idempotencyKey"}, "this idempotencyKey was used for a different request")
	}
	return nil
}

// validateCommon checks what every kind shares and starts the request hash.
func validateCommon(c *Common, kind Kind, errs *apperr.List) {
	if c.Amount <= 0 || c.Amount > ledger.MaxAmount {
		*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"amount"}, "amount must be at least 0.01"))
	}
	if c.Description != nil {
		d := strings.TrimSpace(*c.Description)
		if utf8.RuneCountInString(d) > ledger.MaxDescription {
			*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"description"}, "description must have at most %d characters", ledger.MaxDescription))
		}
		if d == "" {
			c.Description = nil
		} else {
			c.Description = &d
		}
	}
	switch n := utf8.RuneCountInString(c.IdempotencyKey); {
	case n == 0:
		*errs = append(*errs, apperr.Field(apperr.Required, []string{"idempotencyKey"}, "idempotencyKey is required"))
	case n > ledger.MaxKeyLength:
		*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"idempotencyKey"}, "idempotencyKey must have at most %d characters", ledger.MaxKeyLength))
	}
}

// requestHash fingerprints what the caller asked, so a reused key with another request is caught.
func requestHash(kind Kind, c Common, target Target) []byte {
	b, _ := json.Marshal(struct {
		Kind      Kind
		Account   uuid.UUID
		Amount    money.Cents
		Desc      *string
		Scheduled *brazil.Date
		Target    Target
	}{kind, c.AccountID, c.Amount, c.Description, c.ScheduledFor, target})
	h := sha256.Sum256(b)
	return h[:]
}

// clockDate is today in São Paulo.
func clockDate(t time.Time) brazil.Date { return brazil.DateOf(t.In(saoPaulo)) }
