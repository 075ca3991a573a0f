package models

import (
	"time"

	"github.com/google/uuid"
)

// Payment is one cash-out and where it stands.
type Payment struct {
	ID                  uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID            *uuid.UUID `gorm:"column:tenant_id;type:uuid"`
	AccountID           uuid.UUID  `gorm:"column:account_id;type:uuid"`
	Kind                string     `gorm:"column:kind"`
	Status              string     `gorm:"column:status"`
	AmountCents         int64      `gorm:"column:amount_cents"`
	FeeCents            int64      `gorm:"column:fee_cents"`
	Description         *string    `gorm:"column:description"`
	ScheduledFor        *time.Time `gorm:"column:scheduled_for;type:date"`
	RunOn               time.Time  `gorm:"column:run_on;type:date"`
	IdempotencyKey      string     `gorm:"column:idempotency_key"`
	RequestHash         []byte     `gorm:"column:request_hash"`
	ApprovalStatus      *string    `gorm:"column:approval_status"`
	ApprovalExpiresAt   *time.Time `gorm:"column:approval_expires_at"`
	ApprovalDecidedAt   *time.Time `gorm:"column:approval_decided_at"`
	ApprovalDecidedBy   *string    `gorm:"column:approval_decided_by"`
	FailureReason       *string    `gorm:"column:failure_reason"`
	LedgerTransactionID *uuid.UUID `gorm:"column:ledger_transaction_id;type:uuid"`
	CreatedBy           string     `gorm:"column:created_by"`
	CreatedAt           time.Time  `gorm:"column:created_at"`
	UpdatedAt           time.Time  `gorm:"column:updated_at"`
	FinishedAt          *time.Time `gorm:"column:finished_at"`

	Target PaymentTarget `gorm:"column:target;type:jsonb;serializer:json"`
}

// TableName is the payments table.
func (Payment) TableName() string { return "payments" }

// PaymentTarget is who or what a payment pays, stored as JSON in the payment's target column: a
// Ponte account, a bank account elsewhere, or a barcode.
type PaymentTarget struct {
	AccountID    *uuid.UUID `json:"accountId,omitempty"` // internal transfer: the credited Ponte account
	Name         string     `json:"name,omitempty"`
	Document     string     `json:"document,omitempty"`
	DocumentType string     `json:"documentType,omitempty"`
	ISPB         string     `json:"ispb,omitempty"`
	BankCode     string     `json:"bankCode,omitempty"`
	BankName     string     `json:"bankName,omitempty"`
	BranchCode   string     `json:"branchCode,omitempty"`
	AccountCode  string     `json:"accountCode,omitempty"`
	AccountType  string     `json:"accountType,omitempty"`
	Barcode      string     `json:"barcode,omitempty"`   // 44 digits
	TypedLine    string     `json:"typedLine,omitempty"` // masked
	DueDate      string     `json:"dueDate,omitempty"`   // YYYY-MM-DD
	Segment      string     `json:"segment,omitempty"`   // arrecadação
}
