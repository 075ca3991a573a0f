package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Payment is the GraphQL Payment, hand-written so that it carries its account's key for the
// `account` field resolver and its stored target for the `target` one.
type Payment struct {
	ID            string                `json:"id"`
	Kind          PaymentKind           `json:"kind"`
	Status        PaymentStatus         `json:"status"`
	Amount        *money.Money          `json:"amount"`
	Fee           *money.Money          `json:"fee"`
	Description   *string               `json:"description,omitempty"`
	ScheduledFor  *time.Time            `json:"scheduledFor,omitempty"`
	RunsOn        time.Time             `json:"runsOn"`
	CreatedAt     time.Time             `json:"createdAt"`
	UpdatedAt     time.Time             `json:"updatedAt"`
	FinishedAt    *time.Time            `json:"finishedAt,omitempty"`
	Approval      *Approval             `json:"approval,omitempty"`
	FailureReason *PaymentFailureReason `json:"failureReason,omitempty"`

	AccountID uuid.UUID `json:"-"`
	PaymentID uuid.UUID `json:"-"`
	// StoredTarget is the target as stored, for the `target` field resolver, which hides the
	// beneficiary of a transfer (payments.WithoutBeneficiary) for a caller who may not read the
	// receiving account.
	StoredTarget models.PaymentTarget `json:"-"`
}

// IsNode marks Payment as a Node.
func (Payment) IsNode() {}

// GetID returns the global ID.
func (p Payment) GetID() string { return p.ID }
