package models

import (
	"time"

	"github.com/google/uuid"
)

// AccountRepresentative is a person (CPF) who may act for a company account.
type AccountRepresentative struct {
	AccountID uuid.UUID `gorm:"column:account_id;type:uuid;primaryKey"`
	Document  string    `gorm:"column:document;primaryKey"`
	Name      string    `gorm:"column:name"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

// TableName is the account_representatives table.
func (AccountRepresentative) TableName() string { return "account_representatives" }

// Consent is a tenant's request to act on a holder's account, and the holder's answer.
type Consent struct {
	ID                uuid.UUID     `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID          uuid.UUID     `gorm:"column:tenant_id;type:uuid"`
	AccountID         *uuid.UUID    `gorm:"column:account_id;type:uuid"`
	RequestedDocument *string       `gorm:"column:requested_document"`
	Scopes            Array[string] `gorm:"column:scopes;type:text[]"`
	RedirectURI       string        `gorm:"column:redirect_uri"`
	TenantState       *string       `gorm:"column:tenant_state"`
	Status            string        `gorm:"column:status"`
	LinkHash          []byte        `gorm:"column:link_hash"`
	LinkExpiresAt     time.Time     `gorm:"column:link_expires_at"`
	LinkUsedAt        *time.Time    `gorm:"column:link_used_at"`
	ExpiresAt         time.Time     `gorm:"column:expires_at"`
	HolderIssuer      *string       `gorm:"column:holder_issuer"`
	HolderSubject     *string       `gorm:"column:holder_subject"`
	HolderDocument    *string       `gorm:"column:holder_document"`
	DecidedAt         *time.Time    `gorm:"column:decided_at"`
	RevokedAt         *time.Time    `gorm:"column:revoked_at"`
	RevokedBy         *string       `gorm:"column:revoked_by"`
	RevocationReason  *string       `gorm:"column:revocation_reason"`
	CreatedAt         time.Time     `gorm:"column:created_at"`
	UpdatedAt         time.Time     `gorm:"column:updated_at"`

	Tenant  *Tenant  `gorm:"foreignKey:TenantID"`
	Account *Account `gorm:"foreignKey:AccountID"`
}

// TableName is the consents table.
func (Consent) TableName() string { return "consents" }

// HolderSession is one holder browser journey through Ponte's pages.
type HolderSession struct {
	ID             uuid.UUID  `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	Purpose        string     `gorm:"column:purpose"`
	ConsentID      *uuid.UUID `gorm:"column:consent_id;type:uuid"`
	CookieHash     []byte     `gorm:"column:cookie_hash"`
	State          string     `gorm:"column:state"`
	Nonce          string     `gorm:"column:nonce"`
	PKCEVerifier   string     `gorm:"column:pkce_verifier"`
	StateUsedAt    *time.Time `gorm:"column:state_used_at"`
	HolderIssuer   *string    `gorm:"column:holder_issuer"`
	HolderSubject  *string    `gorm:"column:holder_subject"`
	HolderDocument *string    `gorm:"column:holder_document"`
	CSRFToken      *string    `gorm:"column:csrf_token"`
	DoneAt         *time.Time `gorm:"column:done_at"`
	ExpiresAt      time.Time  `gorm:"column:expires_at"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
}

// TableName is the holder_sessions table.
func (HolderSession) TableName() string { return "holder_sessions" }
