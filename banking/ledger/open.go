package ledger

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// OpenAccountsTx opens, in the caller's transaction tx, the ledger accounts of those of ids that
// can move money and have none yet, as each movement's posting would (openParties: one sorted
// statement), but for many accounts at once: a batch of movements to accounts that never received
// money (a payroll's first run) opens them in one statement instead of one per movement. The
// caller must not hold any ledger account's lock yet (call it before the batch's first posting),
// so that, as in PostTx, ledger accounts are opened before any is locked.
//
// Callers: payments, executing a batch of a payroll's salaries.
func (s *Service) OpenAccountsTx(ctx context.Context, tx *gorm.DB, ids []uuid.UUID) error {
	_, err := openParties(tx.WithContext(ctx), ids)
	return err
}
