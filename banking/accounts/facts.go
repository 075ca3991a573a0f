package accounts

import "gorm.io/gorm"

// These are the accounts table as other packages may join it inside their own statements, when a
// separate lookup would cost a round trip on a hot path (the ledger reads a posting's parties in
// one query). The columns are this package's to name; callers read only what is selected here.

// IDs is the query of every account's id (column id): what a caller joins to tell a missing
// account from one that has no row of its own yet.
func IDs(db *gorm.DB) *gorm.DB {
	return db.Session(&gorm.Session{NewDB: true}).Table("accounts").Select("id")
}

// MovementFacts is the query of what money-movement rules need of each account (column
// account_id): KYC status, holder name and document, payment account and limit plan (daily_cents
// and monthly_cents are NULL without a plan).
func MovementFacts(db *gorm.DB) *gorm.DB {
	return db.Session(&gorm.Session{NewDB: true}).Table("accounts a").Select(`a.id AS account_id, a.status, a.name, a.document, a.document_type,
		ba.id AS bank_account_id, ba.branch_code, ba.account_code, ba.account_type,
		ba.institution_ispb, ba.institution_code, ba.institution_name,
		lp.daily_cents, lp.monthly_cents`).
		Joins("LEFT JOIN bank_accounts ba ON ba.account_id = a.id").
		Joins("LEFT JOIN limit_plans lp ON lp.id = a.limit_plan_id")
}
