package payroll

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// Cancel cancels a SCHEDULED payroll and every salary of it, in one transaction (the salaries'
// scheduled balance is released). Errors: NOT_FOUND, INVALID_STATE (not SCHEDULED: it runs, ran
// or was cancelled).
func (s *Service) Cancel(ctx context.Context, by string, id uuid.UUID) (*models.Payroll, error) {
	var p *models.Payroll
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = lockPayroll(tx, id); err != nil {
			return err
		}
		if Status(p.Status) != StatusScheduled {
			return apperr.Field(apperr.InvalidState, []string{"payrollId"}, "only a SCHEDULED payroll can be cancelled; this one is %s", p.Status)
		}
		var ids []uuid.UUID
		if err := tx.Model(&models.PayrollSalary{}).Where("payroll_id = ?", id).Pluck("payment_id", &ids).Error; err != nil {
			return err
		}
		if err := s.payments.CancelSalariesTx(ctx, tx, by, ids); err != nil {
			return err
		}
		return s.move(ctx, tx, p, StatusCancelled, by, nil)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
