package payments

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// MoveForTest moves payment id to status to the way every flow does: in a transaction, under the
// payment's row lock, through move.
func (s *Service) MoveForTest(ctx context.Context, id uuid.UUID, to Status) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := lockPayment(tx, id)
		if err != nil {
			return err
		}
		return s.move(ctx, tx, p, to, "test", nil)
	})
}
