package models

import (
	"time"

	"github.com/google/uuid"
)

// Boleto is a boleto an account issued (cobrança, proposta or depósito) and where it stands.
type Boleto struct {
	ID                  uuid.UUID        `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID            *uuid.UUID       `gorm:"column:tenant_id;type:uuid"`
	AccountID           uuid.UUID        `gorm:"column:account_id;type:uuid"`
	Kind                string           `gorm:"column:kind"`
	Status              string           `gorm:"column:status"`
	AmountCents         int64            `gorm:"column:amount_cents"`
	DueDate             time.Time        `gorm:"column:due_date;type:date"`
	LimitDate           time.Time        `gorm:"column:limit_date;type:date"`
	OurNumber           string           `gorm:"column:our_number"`
	Barcode             string           `gorm:"column:barcode"`
	TypedLine           string           `gorm:"column:typed_line"`
	Customer            BoletoParty      `gorm:"column:customer;type:jsonb;serializer:json"`
	Beneficiary         BoletoParty      `gorm:"column:beneficiary;type:jsonb;serializer:json"`
	Fine                *BoletoFine      `gorm:"column:fine;type:jsonb;serializer:json"`
	Interest            *BoletoInterest  `gorm:"column:interest;type:jsonb;serializer:json"`
	Discounts           []BoletoDiscount `gorm:"column:discounts;type:jsonb;serializer:json"`
	Description         *string          `gorm:"column:description"`
	IdempotencyKey      string           `gorm:"column:idempotency_key"`
	RequestHash         []byte           `gorm:"column:request_hash"`
	CreatedBy           string           `gorm:"column:created_by"`
	IssuedAt            time.Time        `gorm:"column:issued_at"`
	RegisteredAt        *time.Time       `gorm:"column:registered_at"`
	SettledAt           *time.Time       `gorm:"column:settled_at"`
	ExpiredAt           *time.Time       `gorm:"column:expired_at"`
	CancelledAt         *time.Time       `gorm:"column:cancelled_at"`
	PaidAt              *time.Time       `gorm:"column:paid_at"`
	PaidCents           *int64           `gorm:"column:paid_cents"`
	Payer               *BoletoParty     `gorm:"column:payer;type:jsonb;serializer:json"`
	PaymentID           *uuid.UUID       `gorm:"column:payment_id;type:uuid"`
	CreditOn            *time.Time       `gorm:"column:credit_on;type:date"`
	LedgerTransactionID *uuid.UUID       `gorm:"column:ledger_transaction_id;type:uuid"`
	UpdatedAt           time.Time        `gorm:"column:updated_at"`
}

// TableName is the boletos table.
func (Boleto) TableName() string { return "boletos" }

// BoletoParty is a person or company on a boleto: its customer (the payer named on the slip),
// its beneficiary (the issuing account's holder and payment account) or who actually paid.
type BoletoParty struct {
	AccountID    *uuid.UUID     `json:"accountId,omitempty"` // a Ponte account, when it is one
	Name         string         `json:"name"`
	Document     string         `json:"document"`
	DocumentType string         `json:"documentType,omitempty"`
	TradeName    string         `json:"tradeName,omitempty"`
	Address      *BoletoAddress `json:"address,omitempty"`
	BankCode     string         `json:"bankCode,omitempty"`
	BankName     string         `json:"bankName,omitempty"`
	ISPB         string         `json:"ispb,omitempty"`
	BranchCode   string         `json:"branchCode,omitempty"`
	AccountCode  string         `json:"accountCode,omitempty"`
}

// BoletoAddress is a postal address printed on the slip.
type BoletoAddress struct {
	Street       string `json:"street,omitempty"`
	Number       string `json:"number,omitempty"`
	Complement   string `json:"complement,omitempty"`
	Neighborhood string `json:"neighborhood,omitempty"`
	City         string `json:"city,omitempty"`
	State        string `json:"state,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
}

// BoletoFine is charged once on a payment from From on: RateBP hundredths of a percent of the
// face value (200 = 2 %).
type BoletoFine struct {
	RateBP int64     `json:"rateBp"`
	From   time.Time `json:"from"`
}

// BoletoInterest is charged for every calendar day from From on: MonthlyRateBP hundredths of a
// percent a month (100 = 1 % a month), a thirtieth of it a day.
type BoletoInterest struct {
	MonthlyRateBP int64     `json:"monthlyRateBp"`
	From          time.Time `json:"from"`
}

// BoletoDiscount takes RateBP hundredths of a percent off the face value for a payment on or
// before Until.
type BoletoDiscount struct {
	RateBP int64     `json:"rateBp"`
	Until  time.Time `json:"until"`
}

// BoletoLimit is an account's boleto issuance range when it differs from the default.
type BoletoLimit struct {
	AccountID    uuid.UUID `gorm:"column:account_id;type:uuid;primaryKey"`
	MinimumCents int64     `gorm:"column:minimum_cents"`
	MaximumCents int64     `gorm:"column:maximum_cents"`
	UpdatedBy    string    `gorm:"column:updated_by"`
	UpdatedAt    time.Time `gorm:"column:updated_at"`
}

// TableName is the boleto_limits table.
func (BoletoLimit) TableName() string { return "boleto_limits" }
