package models

import (
	"time"

	"github.com/google/uuid"
)

// Payroll is one salary run of a Treasury account: its status, totals and idempotency. Its
// salaries are payments of kind PAYROLL (PayrollSalary links each to its line).
type Payroll struct {
	ID             uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID       uuid.UUID  `gorm:"column:tenant_id;type:uuid"`
	AccountID      uuid.UUID  `gorm:"column:account_id;type:uuid"`
	Status         string     `gorm:"column:status"`
	AmountCents    int64      `gorm:"column:amount_cents"`
	FeeCents       int64      `gorm:"column:fee_cents"`
	LineCount      int        `gorm:"column:line_count"`
	Description    *string    `gorm:"column:description"`
	ScheduledFor   *time.Time `gorm:"column:scheduled_for;type:date"`
	RunOn          time.Time  `gorm:"column:run_on;type:date"`
	IdempotencyKey string     `gorm:"column:idempotency_key"`
	RequestHash    []byte     `gorm:"column:request_hash"`
	CreatedBy      string     `gorm:"column:created_by"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
	FinishedAt     *time.Time `gorm:"column:finished_at"`
}

// TableName is the payrolls table.
func (Payroll) TableName() string { return "payrolls" }

// PayrollSalary is one line of a payroll and the payment that pays it.
type PayrollSalary struct {
	PayrollID uuid.UUID `gorm:"column:payroll_id;type:uuid;primaryKey"`
	Line      int       `gorm:"column:line;primaryKey"`
	PaymentID uuid.UUID `gorm:"column:payment_id;type:uuid"`
}

// TableName is the payroll_salaries table.
func (PayrollSalary) TableName() string { return "payroll_salaries" }
