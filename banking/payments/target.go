package payments

import (
	"encoding/json"

	"github.com/google/uuid"
)

// Target is who or what a payment pays, stored as JSON with the payment: a Ponte account, a
// bank account elsewhere, or a barcode.
type Target struct {
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

// TargetOf reads a stored payment's target.
func TargetOf(raw []byte) Target {
	var t Target
	_ = json.Unmarshal(raw, &t)
	return t
}
