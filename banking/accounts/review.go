package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// Review applies an operator's KYC decision and records it in the append-only review log.
//
//   - APPROVE: LAST_KYC_NOT_APPROVED → APPROVED, creating the payment account and assigning the
//     default limit plan; DISABLED → APPROVED; an APPROVED account missing its plan gets the default.
//   - BLOCK: any status but BLOCKED → BLOCKED, for good: the document can never apply again.
//   - DISABLE: APPROVED → DISABLED.
//
// Errors: NOT_FOUND, INVALID_STATE for any other transition.
func (s *Service) Review(ctx context.Context, accountID uuid.UUID, d Decision, reason *string, reviewer string) (*models.Account, error) {
	now := s.now()
	var acc models.Account
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", accountID).Take(&acc).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
		}
		if err != nil {
			return err
		}
		from := StatusOf(&acc)
		if err := s.apply(tx, &acc, d); err != nil {
			return err
		}
		acc.UpdatedAt = now
		if err := tx.Model(&acc).Select("status", "limit_plan_id", "updated_at").Updates(&acc).Error; err != nil {
			return err
		}
		return tx.Create(&models.KYCReview{
			AccountID: acc.ID, Decision: string(d), FromStatus: string(from), ToStatus: string(StatusOf(&acc)),
			Reason: trimmed(reason), Reviewer: reviewer, CreatedAt: now,
		}).Error
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, accountID)
}

// apply changes acc in memory (and creates the payment account) for decision d.
func (s *Service) apply(tx *gorm.DB, acc *models.Account, d Decision) error {
	status := Status(acc.Status)
	switch d {
	case DecisionApprove:
		switch {
		case status == StatusLastKYCNotApproved:
			if err := s.openBankAccount(tx, acc); err != nil {
				return err
			}
		case status == StatusDisabled, status == StatusApproved && acc.LimitPlanID == nil:
		default:
			return invalidTransition(acc, d)
		}
		acc.Status = string(StatusApproved)
		if acc.LimitPlanID == nil {
			plan, err := s.defaultPlan(tx)
			if err != nil {
				return err
			}
			acc.LimitPlanID = plan
		}
	case DecisionBlock:
		if status == StatusBlocked {
			return invalidTransition(acc, d)
		}
		acc.Status = string(StatusBlocked)
	case DecisionDisable:
		if status != StatusApproved {
			return invalidTransition(acc, d)
		}
		acc.Status = string(StatusDisabled)
	default:
		return apperr.Field(apperr.Invalid, []string{"decision"}, "unknown decision %q", d)
	}
	return nil
}

func invalidTransition(acc *models.Account, d Decision) error {
	return apperr.Field(apperr.InvalidState, []string{"decision"}, "cannot %s an account that is %s", strings.ToLower(string(d)), StatusOf(acc))
}

// openBankAccount creates the payment account: a random account number (randomAccountNumber)
// plus its check digit, drawn again when another account has the code.
func (s *Service) openBankAccount(tx *gorm.DB, acc *models.Account) error {
	const attempts = 16
	for range attempts {
		number, err := s.number()
		if err != nil {
			return fmt.Errorf("account number: %w", err)
		}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_code"}}, DoNothing: true}).Create(&models.BankAccount{
			AccountID:       acc.ID,
			BranchCode:      s.cfg.BranchCode,
			AccountCode:     AccountCode(number),
			AccountType:     acc.RequestedAccountType,
			InstitutionName: s.cfg.Institution.Name,
			InstitutionISPB: s.cfg.Institution.ISPB,
			InstitutionCode: s.cfg.Institution.Code,
			CreatedAt:       s.now(),
		})
		if res.Error != nil || res.RowsAffected == 1 {
			return res.Error
		}
	}
	return fmt.Errorf("account number: %d draws all taken", attempts)
}

func (s *Service) defaultPlan(tx *gorm.DB) (*uuid.UUID, error) {
	if s.cfg.DefaultPlan == "" {
		return nil, nil
	}
	var plan models.LimitPlan
	if err := tx.Where("name = ?", s.cfg.DefaultPlan).Take(&plan).Error; err != nil {
		return nil, fmt.Errorf("default limit plan %q: %w", s.cfg.DefaultPlan, err)
	}
	return &plan.ID, nil
}

func trimmed(s *string) *string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}
