package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Boleto is the GraphQL Boleto, hand-written so that it carries its account's key for the
// `account` field resolver and the stored boleto for `amountDue`.
type Boleto struct {
	ID           string            `json:"id"`
	Kind         BoletoKind        `json:"kind"`
	Status       BoletoStatus      `json:"status"`
	Amount       *money.Money      `json:"amount"`
	DueDate      time.Time         `json:"dueDate"`
	LimitDate    time.Time         `json:"limitDate"`
	OurNumber    string            `json:"ourNumber"`
	Barcode      string            `json:"barcode"`
	TypedLine    string            `json:"typedLine"`
	Customer     *BoletoParty      `json:"customer"`
	Beneficiary  *BoletoParty      `json:"beneficiary"`
	Fine         *BoletoFine       `json:"fine,omitempty"`
	Interest     *BoletoInterest   `json:"interest,omitempty"`
	Discounts    []*BoletoDiscount `json:"discounts"`
	Description  *string           `json:"description,omitempty"`
	Instructions []string          `json:"instructions"`
	IssuedAt     time.Time         `json:"issuedAt"`
	RegisteredAt *time.Time        `json:"registeredAt,omitempty"`
	SettledAt    *time.Time        `json:"settledAt,omitempty"`
	PaidAmount   *money.Money      `json:"paidAmount,omitempty"`
	Payer        *BoletoParty      `json:"payer,omitempty"`
	PdfURL       string            `json:"pdfUrl"`

	AccountID uuid.UUID      `json:"-"`
	Stored    *models.Boleto `json:"-"`
}

// IsNode marks Boleto as a Node.
func (Boleto) IsNode() {}

// GetID returns the global ID.
func (b Boleto) GetID() string { return b.ID }
