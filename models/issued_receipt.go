package models

import (
	"time"

	"github.com/google/uuid"
)

// IssuedReceipt records a receipt Ponte issued, by its authentication code (32 uppercase
// hexadecimal digits), so that the code alone leads to the payment it proves.
type IssuedReceipt struct {
	Code      string    `gorm:"column:code;primaryKey"`
	PaymentID uuid.UUID `gorm:"column:payment_id;type:uuid"`
	Kind      string    `gorm:"column:kind"` // PAYMENT, SCHEDULING or REFUND (receipts.Covers)
	IssuedAt  time.Time `gorm:"column:issued_at"`
}

// TableName is the issued_receipts table.
func (IssuedReceipt) TableName() string { return "issued_receipts" }
