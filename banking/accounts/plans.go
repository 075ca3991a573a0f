package accounts

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Plans returns every limit plan, by name.
func (s *Service) Plans(ctx context.Context) ([]models.LimitPlan, error) {
	var plans []models.LimitPlan
	return plans, s.db.WithContext(ctx).Order("name").Find(&plans).Error
}

// CreatePlan adds a limit plan. Errors (field errors): REQUIRED, INVALID (negative limits, a
// monthly limit below the daily one, a name already taken).
func (s *Service) CreatePlan(ctx context.Context, name string, daily, monthly money.Cents) (*models.LimitPlan, error) {
	name = strings.TrimSpace(name)
	var errs apperr.List
	if name == "" {
		errs = append(errs, apperr.Field(apperr.Required, []string{"name"}, "a plan needs a name"))
	}
	if daily < 0 {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"daily"}, "the daily limit must not be negative"))
	}
	if monthly < daily {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"monthly"}, "the monthly limit must be at least the daily limit"))
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	plan := &models.LimitPlan{Name: name, DailyCents: int64(daily), MonthlyCents: int64(monthly), CreatedAt: s.now()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(plan)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, apperr.Field(apperr.Invalid, []string{"name"}, "a plan named %q already exists", name)
	}
	return plan, nil
}

// SetPlan gives an account another limit plan; the ledger reads it on the next cash-out.
// Errors: NOT_FOUND (account or plan), INVALID_STATE for a BLOCKED account.
func (s *Service) SetPlan(ctx context.Context, accountID uuid.UUID, planName string) (*models.Account, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var plan models.LimitPlan
		err := tx.Where("name = ?", strings.TrimSpace(planName)).Take(&plan).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Field(apperr.NotFound, []string{"plan"}, "no limit plan named %q", planName)
		}
		if err != nil {
			return err
		}
		var acc models.Account
		err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", accountID).Take(&acc).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
		}
		if err != nil {
			return err
		}
		if Status(acc.Status) == StatusBlocked {
			return apperr.Field(apperr.InvalidState, []string{"accountId"}, "a BLOCKED account has no limits to change")
		}
		return tx.Model(&acc).Updates(map[string]any{"limit_plan_id": plan.ID, "updated_at": s.now()}).Error
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, accountID)
}
