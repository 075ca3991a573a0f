package payments

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// decidedColumns are the columns a holder's decision sets, besides the status.
var decidedColumns = []string{"approval_status", "approval_decided_at", "approval_decided_by"}

// Approve records the holder's approval of CREATED payments, all or none: each becomes APPROVED
// and runs now, or SCHEDULED / DELAYED_TO_NEXT_BUSINESS_DAY for its day. by is "holder:<sub>";
// the authorizer (auth.Authorizer.DecidePayments) has allowed the holder every payment.
// Errors: one field error per refused payment (NOT_FOUND, INVALID_STATE; CONSENT_REQUIRED when the
// consent the tenant created it through has ended), at index i of ids.
func (s *Service) Approve(ctx context.Context, by string, ids []uuid.UUID) ([]*models.Payment, error) {
	return s.Decide(ctx, by, ids, nil, nil)
}

// Reject records the holder's refusal of CREATED payments: each becomes REJECTED.
func (s *Service) Reject(ctx context.Context, by string, ids []uuid.UUID, reason *string) ([]*models.Payment, error) {
	return s.Decide(ctx, by, nil, ids, reason)
}

// Decide approves some payments and rejects others in one transaction: all or none. The
// result lists the approved ones, then the rejected ones.
func (s *Service) Decide(ctx context.Context, by string, approve, reject []uuid.UUID, reason *string) ([]*models.Payment, error) {
	ids := append(append([]uuid.UUID{}, approve...), reject...)
	if len(ids) == 0 || len(ids) > 1000 {
		return nil, apperr.Field(apperr.Invalid, []string{"paymentIds"}, "give 1 to 1000 payments")
	}
	out := make([]*models.Payment, len(ids))
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var errs apperr.List
		now := s.now()
		for i, id := range ids {
			approving := i < len(approve)
			p, err := lockPayment(tx, id)
			if err != nil {
				if e, ok := apperr.As(err); ok {
					errs = append(errs, apperr.Field(e.Code, []string{"paymentIds", fmt.Sprint(i)}, "%s", e.Message))
					continue
				}
				return err
			}
			out[i] = p
			if Status(p.Status) != StatusCreated || p.ApprovalExpiresAt == nil || !now.Before(*p.ApprovalExpiresAt) {
				errs = append(errs, apperr.Field(apperr.InvalidState, []string{"paymentIds", fmt.Sprint(i)}, "payment is %s: only a CREATED payment awaiting approval can be decided", p.Status))
				continue
			}
			if approving { // the holder cannot approve what the tenant may no longer initiate
				if holds, err := s.basisHolds(ctx, tx, p); err != nil || !holds {
					if err != nil {
						return err
					}
					errs = append(errs, apperr.Field(apperr.ConsentRequired, []string{"paymentIds", fmt.Sprint(i)}, "the consent this payment was created through has ended"))
					continue
				}
			}
			decision := "REJECTED"
			if approving {
				decision = "APPROVED"
			}
			p.ApprovalStatus, p.ApprovalDecidedAt, p.ApprovalDecidedBy = &decision, &now, &by
			if !approving {
				if err := s.move(ctx, tx, p, StatusRejected, by, reason, decidedColumns...); err != nil {
					return err
				}
				continue
			}
			if err := s.approveOne(ctx, tx, p, by); err != nil {
				if e, ok := apperr.As(err); ok {
					errs = append(errs, apperr.Field(e.Code, []string{"paymentIds", fmt.Sprint(i)}, "%s", e.Message))
					continue
				}
				return err
			}
		}
		return errs.OrNil() // any refusal rolls every decision back: all or none
	})
	if err != nil {
		return nil, err
	}
	if len(approve) > 0 {
		s.wake() // committed: the runner can see them now
	}
	return out, nil
}

// approveOne moves an approved payment to APPROVED, then plans it again from now: the day it was
// asked for may have become a later one while it waited.
func (s *Service) approveOne(ctx context.Context, tx *gorm.DB, p *models.Payment, by string) error {
	var asked *brazil.Date
	if p.ScheduledFor != nil {
		d := brazil.DateOf(*p.ScheduledFor)
		asked = &d
	}
	plan, err := s.cfg.Calendar.Plan(Kind(p.Kind), s.now(), asked)
	if err != nil {
		return err
	}
	if err := s.move(ctx, tx, p, StatusApproved, by, nil, decidedColumns...); err != nil {
		return err
	}
	p.RunOn = plan.Date.Time()
	if plan.Status != StatusApproved {
		if err := s.move(ctx, tx, p, plan.Status, "system", nil, "run_on"); err != nil {
			return err
		}
	}
	return s.scheduleIfDue(ctx, tx, p)
}

// Cancel cancels a payment that has not run: CREATED, SCHEDULED or DELAYED_TO_NEXT_BUSINESS_DAY.
// by is who cancels; the caller has checked they may. Errors: NOT_FOUND, INVALID_STATE.
func (s *Service) Cancel(ctx context.Context, by string, id uuid.UUID) (*models.Payment, error) {
	var p *models.Payment
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = lockPayment(tx, id); err != nil {
			return err
		}
		switch Status(p.Status) {
		case StatusCreated, StatusScheduled, StatusDelayed:
			return s.move(ctx, tx, p, StatusCancelled, by, nil)
		}
		return apperr.Field(apperr.InvalidState, []string{"paymentId"}, "a %s payment cannot be cancelled", p.Status)
	})
	return p, err
}

// ExpireDue moves CREATED payments whose approval deadline passed to EXPIRED. Safe on every
// replica at once.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var due []models.Payment
		if err := tx.Raw(`SELECT * FROM payments WHERE status = 'CREATED' AND approval_expires_at <= ?
			ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`, s.now()).Scan(&due).Error; err != nil {
			return err
		}
		expired := "EXPIRED"
		reason := "not approved in time"
		for i := range due {
			due[i].ApprovalStatus = &expired
			if err := s.move(ctx, tx, &due[i], StatusExpired, "system", &reason, "approval_status"); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

func lockPayment(tx *gorm.DB, id uuid.UUID) (*models.Payment, error) {
	var p models.Payment
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.Field(apperr.NotFound, []string{"paymentId"}, "no payment with this id")
	}
	return &p, err
}
