package payroll

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
)

// Count is how many payrolls ListMany pages through for an account: a connection's totalCount.
func (s *Service) Count(ctx context.Context, accountID uuid.UUID) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Payroll{}).Where("account_id = ?", accountID).Count(&n).Error
	return int(n), err
}

// SalaryCount is how many salaries Salaries pages through for a payroll: one per line.
func (s *Service) SalaryCount(ctx context.Context, payrollID uuid.UUID) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.PayrollSalary{}).Where("payroll_id = ?", payrollID).Count(&n).Error
	return int(n), err
}
