package auth

import "gorm.io/gorm"

// HeldBy is the subquery of the ids of the accounts the person with document may act for: the
// accounts carrying that document and the companies' accounts they represent. It is the one
// statement of the holder rule: the authorizer judges with it and the listing queries (the
// holder's consents, the accounts a consent may be granted on) reuse it as `id IN (?)`.
func HeldBy(db *gorm.DB, document string) *gorm.DB {
	return db.Table("accounts").Select("id").
		Where("(document = ? OR id IN (SELECT account_id FROM account_representatives WHERE document = ?))", document, document)
}
