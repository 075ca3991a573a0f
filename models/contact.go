package models

import (
	"time"

	"github.com/google/uuid"
)

// Contact is a payee (favorecido) an account's tenant keeps to pay again: a person or company
// (CPF or CNPJ) and the bank accounts it is paid at.
type Contact struct {
	ID           uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	AccountID    uuid.UUID `gorm:"column:account_id;type:uuid"`
	Name         string    `gorm:"column:name"`
	Document     string    `gorm:"column:document"`
	DocumentType string    `gorm:"column:document_type"`
	Email        *string   `gorm:"column:email"`
	MobileNumber *string   `gorm:"column:mobile_number"`
	CreatedBy    string    `gorm:"column:created_by"`
	CreatedAt    time.Time `gorm:"column:created_at"`
	UpdatedAt    time.Time `gorm:"column:updated_at"`

	BankAccounts []ContactBankAccount `gorm:"foreignKey:ContactID"`
}

// TableName is the contacts table.
func (Contact) TableName() string { return "contacts" }

// ContactBankAccount is one bank account a contact is paid at: at an STR participant, or at
// Ponte itself (a Ponte payee, named by its account code).
type ContactBankAccount struct {
	ID          uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	ContactID   uuid.UUID `gorm:"column:contact_id;type:uuid"`
	ISPB        string    `gorm:"column:ispb"`
	BankCode    *string   `gorm:"column:bank_code"`
	BankName    string    `gorm:"column:bank_name"`
	BranchCode  *string   `gorm:"column:branch_code"`
	AccountCode string    `gorm:"column:account_code"`
	AccountType *string   `gorm:"column:account_type"`
	CreatedAt   time.Time `gorm:"column:created_at"`
}

// TableName is the contact_bank_accounts table.
func (ContactBankAccount) TableName() string { return "contact_bank_accounts" }
