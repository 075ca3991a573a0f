package accounts

import (
	"database/sql"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// findSQL reads an account with its payment account and limit plan (LEFT JOINs: either may be
// missing), the columns models.Account and its two relations map.
const findSQL = `SELECT a.id, a.owner_tenant_id, a.name, a.email, a.mobile_number, a.username, a.date_of_birth,
       a.document, a.document_type, a.status, a.requested_account_type, a.limit_plan_id, a.created_at, a.updated_at,
       ba.id, ba.branch_code, ba.account_code, ba.account_type, ba.institution_name, ba.institution_ispb,
       ba.institution_code, ba.created_at,
       lp.name, lp.daily_cents, lp.monthly_cents, lp.created_at
  FROM accounts a
  LEFT JOIN bank_accounts ba ON ba.account_id = a.id
  LEFT JOIN limit_plans lp ON lp.id = a.limit_plan_id
 WHERE a.id = ?`

// Find returns one account with its payment account and limit plan, in one query. It is on
// the path of every read of an account (Query.account), so it scans its row itself: gorm's
// preloads cost two more round trips, and its joins as much CPU as the rest of the read.
// Errors: NOT_FOUND.
func Find(db *gorm.DB, id uuid.UUID) (*models.Account, error) {
	var (
		acc models.Account
		ba  struct {
			ID                                               *uuid.UUID
			Branch, Code, Type, InstName, InstISPB, InstCode sql.NullString
			CreatedAt                                        sql.NullTime
		}
		lp struct {
			Name           sql.NullString
			Daily, Monthly sql.NullInt64
			CreatedAt      sql.NullTime
		}
	)
	err := db.Raw(findSQL, id).Row().Scan(&acc.ID, &acc.OwnerTenantID, &acc.Name, &acc.Email, &acc.MobileNumber, &acc.Username,
		&acc.DateOfBirth, &acc.Document, &acc.DocumentType, &acc.Status, &acc.RequestedAccountType, &acc.LimitPlanID,
		&acc.CreatedAt, &acc.UpdatedAt,
		&ba.ID, &ba.Branch, &ba.Code, &ba.Type, &ba.InstName, &ba.InstISPB, &ba.InstCode, &ba.CreatedAt,
		&lp.Name, &lp.Daily, &lp.Monthly, &lp.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.E(apperr.NotFound, "no account with this id")
	}
	if err != nil {
		return nil, err
	}
	if ba.ID != nil {
		acc.BankAccount = &models.BankAccount{ID: *ba.ID, AccountID: acc.ID, BranchCode: ba.Branch.String, AccountCode: ba.Code.String,
			AccountType: ba.Type.String, InstitutionName: ba.InstName.String, InstitutionISPB: ba.InstISPB.String,
			InstitutionCode: ba.InstCode.String, CreatedAt: ba.CreatedAt.Time}
	}
	if acc.LimitPlanID != nil && lp.Name.Valid {
		acc.LimitPlan = &models.LimitPlan{ID: *acc.LimitPlanID, Name: lp.Name.String, DailyCents: lp.Daily.Int64,
			MonthlyCents: lp.Monthly.Int64, CreatedAt: lp.CreatedAt.Time}
	}
	return &acc, nil
}
