package accounts

import (
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// These lookups are how other packages read the accounts this package owns, instead of reading
// its tables themselves. They take a *gorm.DB rather than a context because callers (payments)
// use them inside their own transactions, and must see the accounts as those transactions do.

// FindVisible returns the accounts visible narrows to (a scope from the authorizer), with their
// payment accounts, oldest first.
func FindVisible(db *gorm.DB, visible func(*gorm.DB) *gorm.DB) ([]models.Account, error) {
	var accs []models.Account
	return accs, visible(db.Preload("BankAccount")).Order("created_at, id").Find(&accs).Error
}

// FindByAccountCode returns the account whose payment account has code (digits with the check
// digit, no dash), with its payment account, in one query. Errors: NOT_FOUND.
func FindByAccountCode(db *gorm.DB, code string) (*models.Account, error) {
	var acc models.Account
	err := db.Joins("BankAccount").Where(`"BankAccount".account_code = ?`, code).Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no Ponte account with code %s", code)
	}
	if err != nil {
		return nil, err
	}
	return &acc, nil
}

// CheckCanPay reports whether an account may move money out: APPROVED, with a payment account
// and a limit plan. Errors (field accountId): NOT_FOUND, ACCOUNT_NOT_APPROVED.
func CheckCanPay(db *gorm.DB, id uuid.UUID) error {
	// One query: the account's status and plan, and whether it has its payment account.
	var rows []struct {
		Status         string
		LimitPlanID    *uuid.UUID
		HasBankAccount bool
	}
	err := db.Raw(`SELECT a.status, a.limit_plan_id, EXISTS (SELECT 1 FROM bank_accounts b WHERE b.account_id = a.id) AS has_bank_account
		FROM accounts a WHERE a.id = ?`, id).Find(&rows).Error
	switch {
	case err != nil:
		return err
	case len(rows) == 0:
		return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
	}
	r := rows[0]
	if StatusOf(&models.Account{Status: r.Status, LimitPlanID: r.LimitPlanID}) != StatusApproved || !r.HasBankAccount {
		return apperr.Field(apperr.AccountNotApproved, []string{"accountId"}, "the account cannot move money: it is not approved with a limit plan")
	}
	return nil
}
