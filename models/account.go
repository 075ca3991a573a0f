package models

import (
	"time"

	"github.com/google/uuid"
)

// Account is a customer (PF or PJ) and its KYC status.
type Account struct {
	ID                   uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	OwnerTenantID        *uuid.UUID `gorm:"column:owner_tenant_id;type:uuid"`
	Name                 string     `gorm:"column:name"`
	Email                string     `gorm:"column:email"`
	MobileNumber         *string    `gorm:"column:mobile_number"`
	Username             *string    `gorm:"column:username"` // the holder's login name, lowercase; nil if none
	DateOfBirth          *time.Time `gorm:"column:date_of_birth;type:date"`
	Document             string     `gorm:"column:document"`
	DocumentType         string     `gorm:"column:document_type"`
	Status               string     `gorm:"column:status"`
	RequestedAccountType string     `gorm:"column:requested_account_type"`
	LimitPlanID          *uuid.UUID `gorm:"column:limit_plan_id;type:uuid"`
	CreatedAt            time.Time  `gorm:"column:created_at"`
	UpdatedAt            time.Time  `gorm:"column:updated_at"`

	BankAccount *BankAccount `gorm:"foreignKey:AccountID"`
	LimitPlan   *LimitPlan   `gorm:"foreignKey:LimitPlanID"`
}

// TableName is the accounts table.
func (Account) TableName() string { return "accounts" }

// BankAccount is the payment account that KYC approval creates.
type BankAccount struct {
	ID              uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	AccountID       uuid.UUID `gorm:"column:account_id;type:uuid"`
	BranchCode      string    `gorm:"column:branch_code"`
	AccountCode     string    `gorm:"column:account_code"`
	AccountType     string    `gorm:"column:account_type"`
	InstitutionName string    `gorm:"column:institution_name"`
	InstitutionISPB string    `gorm:"column:institution_ispb"`
	InstitutionCode string    `gorm:"column:institution_code"`
	CreatedAt       time.Time `gorm:"column:created_at"`
}

// TableName is the bank_accounts table.
func (BankAccount) TableName() string { return "bank_accounts" }

// LimitPlan is a named pair of daily and monthly movement limits.
type LimitPlan struct {
	ID           uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	Name         string    `gorm:"column:name"`
	DailyCents   int64     `gorm:"column:daily_cents"`
	MonthlyCents int64     `gorm:"column:monthly_cents"`
	CreatedAt    time.Time `gorm:"column:created_at"`
}

// TableName is the limit_plans table.
func (LimitPlan) TableName() string { return "limit_plans" }

// KYCReview is one append-only KYC decision.
type KYCReview struct {
	ID         uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	AccountID  uuid.UUID `gorm:"column:account_id;type:uuid"`
	Decision   string    `gorm:"column:decision"`
	FromStatus string    `gorm:"column:from_status"`
	ToStatus   string    `gorm:"column:to_status"`
	Reason     *string   `gorm:"column:reason"`
	Reviewer   string    `gorm:"column:reviewer"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

// TableName is the kyc_reviews table.
func (KYCReview) TableName() string { return "kyc_reviews" }
