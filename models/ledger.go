package models

import (
	"time"

	"github.com/google/uuid"
)

// LedgerAccount is one account of the double-entry ledger: a customer account's (AccountID set)
// or one of the bank's own (Kind SETTLEMENT or FEE_INCOME), with its balances in centavos.
type LedgerAccount struct {
	ID             uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	Kind           string     `gorm:"column:kind"`
	AccountID      *uuid.UUID `gorm:"column:account_id;type:uuid"`
	AvailableCents int64      `gorm:"column:available_cents"`
	BlockedCents   int64      `gorm:"column:blocked_cents"`
	ScheduledCents int64      `gorm:"column:scheduled_cents"`
	LastEntryAt    *time.Time `gorm:"column:last_entry_at"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
}

// TableName is the ledger_accounts table.
func (LedgerAccount) TableName() string { return "ledger_accounts" }

// LedgerTransaction is one movement: the postings (LedgerEntry) that sum to zero.
type LedgerTransaction struct {
	ID          uuid.UUID  `gorm:"type:uuid;primaryKey"`
	Kind        string     `gorm:"column:kind"`
	TenantID    *uuid.UUID `gorm:"column:tenant_id;type:uuid"`
	OperationID *uuid.UUID `gorm:"column:operation_id;type:uuid"`
	Description string     `gorm:"column:description"`
	OccurredAt  time.Time  `gorm:"column:occurred_at"`
	CreatedAt   time.Time  `gorm:"column:created_at;default:now()"`
}

// TableName is the ledger_transactions table.
func (LedgerTransaction) TableName() string { return "ledger_transactions" }

// LedgerEntry is one append-only posting on one ledger account; on a customer's ledger account it
// is also a statement entry. AmountCents is signed: positive credits the account.
type LedgerEntry struct {
	ID                 uuid.UUID `gorm:"type:uuid;primaryKey"`
	TransactionID      uuid.UUID `gorm:"column:transaction_id;type:uuid"`
	LedgerAccountID    uuid.UUID `gorm:"column:ledger_account_id;type:uuid"`
	OccurredAt         time.Time `gorm:"column:occurred_at"`
	AmountCents        int64     `gorm:"column:amount_cents"`
	BalanceBeforeCents int64     `gorm:"column:balance_before_cents"`
	BalanceAfterCents  int64     `gorm:"column:balance_after_cents"`
	Kind               string    `gorm:"column:kind"`
	Description        string    `gorm:"column:description"`
	FeeCents           int64     `gorm:"column:fee_cents"`
	Counterparty       []byte    `gorm:"column:counterparty;type:jsonb"` // JSON; nil when there is none
}

// TableName is the ledger_entries table.
func (LedgerEntry) TableName() string { return "ledger_entries" }

// LedgerIdempotencyKey records that a tenant's key produced one ledger transaction.
type LedgerIdempotencyKey struct {
	ID            uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	Space         string     `gorm:"column:space;default:caller"` // caller: a key a caller gave; operation: Ponte's own for an operation it executes
	TenantID      *uuid.UUID `gorm:"column:tenant_id;type:uuid"`
	Key           string     `gorm:"column:key"`
	RequestHash   []byte     `gorm:"column:request_hash"`
	TransactionID uuid.UUID  `gorm:"column:transaction_id;type:uuid"`
	CreatedAt     time.Time  `gorm:"column:created_at"`
}

// TableName is the ledger_idempotency_keys table.
func (LedgerIdempotencyKey) TableName() string { return "ledger_idempotency_keys" }

// LimitUsage is the cash-out an account consumed on one São Paulo calendar day.
type LimitUsage struct {
	AccountID uuid.UUID `gorm:"column:account_id;type:uuid;primaryKey"`
	Day       time.Time `gorm:"column:day;type:date;primaryKey"`
	UsedCents int64     `gorm:"column:used_cents"`
}

// TableName is the limit_usage table.
func (LimitUsage) TableName() string { return "limit_usage" }
