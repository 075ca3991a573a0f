package ledger

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

// CheckCashOutTx applies, in the caller's transaction tx and writing nothing, the rules a posting
// applies to the account a cash-out debits, in the order Post applies them: the account exists and
// may move money, its available balance covers amount plus fee, and amount fits its daily and
// monthly limits. It answers for a movement that cannot be posted at all: an internal transfer
// whose target turns out unable to receive asks it, so that the payer's own refusal comes first,
// exactly as a posting to a target that can receive would give it.
//
// Callers: payments, executing a payment. Errors: NOT_FOUND, ACCOUNT_NOT_APPROVED,
// INSUFFICIENT_FUNDS, LIMIT_EXCEEDED.
func (s *Service) CheckCashOutTx(ctx context.Context, tx *gorm.DB, accountID uuid.UUID, amount, fee money.Cents) error {
	tx = tx.WithContext(ctx)
	parties, err := queryParties(tx, []uuid.UUID{accountID})
	if err != nil {
		return err
	}
	p, ok := parties[accountID]
	switch {
	case !ok:
		return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with id %s", accountID)
	case !p.canMove():
		return apperr.Field(apperr.AccountNotApproved, []string{"accountId"}, "account %s is not approved with a payment account, so it cannot move money", accountID)
	}
	var available int64 // an account that never moved money has no ledger account yet: nothing in it
	if p.LedgerAccountID != nil {
		if err := tx.Raw("SELECT available_cents FROM ledger_accounts WHERE id = ?", *p.LedgerAccountID).Scan(&available).Error; err != nil {
			return fmt.Errorf("ledger: read balance: %w", err)
		}
	}
	if need := int64(amount) + int64(fee); available < need {
		return apperr.Field(apperr.InsufficientFunds, []string{"amount"},
			"the available balance is %s, less than the %s this movement needs", money.Cents(available), money.Cents(need))
	}
	if p.DailyCents == nil || p.MonthlyCents == nil {
		return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the account has no limit plan, so its limits are R$0.00")
	}
	u, err := readUsage(tx, accountID, s.clock())
	if err != nil {
		return fmt.Errorf("ledger: read limit usage: %w", err)
	}
	if u.Daily+int64(amount) > *p.DailyCents {
		return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the daily limit is %s and %s of it is left today",
			money.Cents(*p.DailyCents), money.Cents(max(0, *p.DailyCents-u.Daily)))
	}
	if u.Monthly+int64(amount) > *p.MonthlyCents {
		return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the monthly limit is %s and %s of it is left this month",
			money.Cents(*p.MonthlyCents), money.Cents(max(0, *p.MonthlyCents-u.Monthly)))
	}
	return nil
}
