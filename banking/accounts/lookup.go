package accounts

import (
	"errors"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// ByAccountCode returns the account whose payment account has code (digits and check digit, no
// dash), with the payment account, in one query on db: another package's transaction or its own
// connection. Other packages name a Ponte account by its code through it (an internal
// transfer's target). Errors: NOT_FOUND.
func ByAccountCode(db *gorm.DB, code string) (*models.Account, error) {
	var acc models.Account
	err := db.Joins("BankAccount").Where(`"BankAccount".account_code = ?`, code).Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no Ponte account with code %s", code)
	}
	return &acc, err
}
