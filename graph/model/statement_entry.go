package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/money"
)

// StatementEntry is the GraphQL StatementEntry, hand-written so that it carries the id of the
// payment the entry executes for the `payment` field resolver.
type StatementEntry struct {
	ID            string             `json:"id"`
	Reference     string             `json:"reference"`
	OccurredAt    time.Time          `json:"occurredAt"`
	Direction     EntryDirection     `json:"direction"`
	Amount        *money.Money       `json:"amount"`
	BalanceBefore *money.Money       `json:"balanceBefore"`
	BalanceAfter  *money.Money       `json:"balanceAfter"`
	Description   string             `json:"description"`
	Kind          StatementEntryKind `json:"kind"`
	Fee           *money.Money       `json:"fee"`
	TransactionID string             `json:"transactionId"`
	Counterparty  *Counterparty      `json:"counterparty,omitempty"`

	// OperationID is the payment the entry executes (or refunds); nil for a deposit.
	OperationID *uuid.UUID `json:"-"`
	// Payment is the `payment` field read ahead, for all the entries of a page of accounts at
	// once (Account.statement does it when the operation asks for it); nil: not read yet.
	Payment *EntryPayment `json:"-"`
}

// EntryPayment is a statement entry's payment as the caller may see it: the payment, nil (no
// payment), or the refusal.
type EntryPayment struct {
	Payment *Payment
	Err     error
}

// IsNode marks StatementEntry as a Node.
func (StatementEntry) IsNode() {}

// GetID returns the global ID.
func (e StatementEntry) GetID() string { return e.ID }
