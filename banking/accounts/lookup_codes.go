package accounts

import (
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// FindByAccountCodes is FindByAccountCode for many codes at once (the lines of a payroll): the
// accounts whose payment accounts have codes, by code, with their payment accounts, in one query
// whatever the number of codes. Codes nobody has are left out.
func FindByAccountCodes(db *gorm.DB, codes []string) (map[string]*models.Account, error) {
	out := make(map[string]*models.Account, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	var accs []*models.Account
	if err := db.Joins("BankAccount").Where(`"BankAccount".account_code IN ?`, codes).Find(&accs).Error; err != nil {
		return nil, err
	}
	for _, a := range accs {
		out[a.BankAccount.AccountCode] = a
	}
	return out, nil
}
