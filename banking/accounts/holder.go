package accounts

import "gorm.io/gorm"

// HeldBy is the set of account ids the person with document may act for: the accounts with that
// document and the companies' accounts they represent. It is a subquery for `id IN (?)`, so the
// rule lives here once for every package that asks.
func HeldBy(db *gorm.DB, document string) *gorm.DB {
	return db.Table("accounts").Select("id").
		Where("document = ? OR id IN (SELECT account_id FROM account_representatives WHERE document = ?)", document, document)
}
