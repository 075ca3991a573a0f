package ledger

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/money"
)

// AdjustScheduledTx moves an account's scheduled balance by delta inside the caller's
// transaction: the payments package adds a payment's amount and fee when it is scheduled and
// takes them off when it runs or is cancelled. The scheduled balance is informative (Stone's
// scheduled_balance): no entry is written and the available balance does not change; the
// database refuses a negative result.
func (s *Service) AdjustScheduledTx(ctx context.Context, tx *gorm.DB, accountID uuid.UUID, delta money.Cents) error {
	if delta == 0 {
		return nil
	}
	tx = tx.WithContext(ctx)
	if err := tx.Exec(`INSERT INTO ledger_accounts (kind, account_id) VALUES ('CUSTOMER', ?) ON CONFLICT (account_id) DO NOTHING`, accountID).Error; err != nil {
		return fmt.Errorf("ledger: open ledger account: %w", err)
	}
	if err := tx.Exec(`UPDATE ledger_accounts SET scheduled_cents = scheduled_cents + ? WHERE account_id = ?`, int64(delta), accountID).Error; err != nil {
		return fmt.Errorf("ledger: scheduled balance: %w", err)
	}
	return nil
}
