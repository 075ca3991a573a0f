package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/money"
)

// Payroll is the GraphQL Payroll; account, summary and salaries are resolved from its keys.
type Payroll struct {
	ID           string        `json:"id"`
	Status       PayrollStatus `json:"status"`
	Amount       *money.Money  `json:"amount"`
	Fee          *money.Money  `json:"fee"`
	LineCount    int           `json:"lineCount"`
	Description  *string       `json:"description,omitempty"`
	ScheduledFor *time.Time    `json:"scheduledFor,omitempty"`
	CreatedAt    time.Time     `json:"createdAt"`
	FinishedAt   *time.Time    `json:"finishedAt,omitempty"`

	AccountID uuid.UUID `json:"-"`
	PayrollID uuid.UUID `json:"-"`
}

// IsNode marks Payroll as a Node.
func (Payroll) IsNode() {}

// GetID is the Node interface's id.
func (p Payroll) GetID() string { return p.ID }
