package payments

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
)

// PendingForHolder returns the payments awaiting the approval of the person with document, on
// every account they hold or represent, oldest first, with the accounts preloaded.
func (s *Service) PendingForHolder(ctx context.Context, document string) ([]models.Payment, []models.Account, error) {
	var ps []models.Payment
	err := s.db.WithContext(ctx).Where("account_id IN (?)", accounts.HeldBy(s.db.WithContext(ctx), document)).
		Where("status = ? AND approval_expires_at > ?", StatusCreated, s.now()).Order("created_at, id").Find(&ps).Error
	if err != nil {
		return nil, nil, err
	}
	var accs []models.Account
	err = s.db.WithContext(ctx).Preload("BankAccount").Where("id IN (?)", accounts.HeldBy(s.db.WithContext(ctx), document)).Find(&accs).Error
	return ps, accs, err
}

// DecideForHolder approves and rejects payments for the person with document, in one
// transaction, refusing any payment that is not on an account they hold or represent.
func (s *Service) DecideForHolder(ctx context.Context, by, document string, approve, reject []uuid.UUID) error {
	ids := append(append([]uuid.UUID{}, approve...), reject...)
	var n int64
	if err := s.db.WithContext(ctx).Model(&models.Payment{}).Where("id IN ?", ids).
		Where("account_id IN (?)", accounts.HeldBy(s.db.WithContext(ctx), document)).Count(&n).Error; err != nil {
		return err
	}
	if int(n) != len(ids) {
		return apperr.Field(apperr.NotFound, []string{"paymentId"}, "a payment is not awaiting your approval")
	}
	_, err := s.Decide(ctx, by, approve, reject, nil)
	return err
}
