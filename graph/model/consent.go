package model

import (
	"time"

	"github.com/google/uuid"
)

// Consent is the GraphQL Consent, hand-written so that it carries the account's key for the
// `account` field resolver, which re-checks that the caller may still read the account.
type Consent struct {
	ID                     string        `json:"id"`
	Status                 ConsentStatus `json:"status"`
	Scopes                 []Scope       `json:"scopes"`
	Tenant                 *Tenant       `json:"tenant"`
	AuthorizationURL       *string       `json:"authorizationUrl,omitempty"`
	AuthorizationExpiresAt time.Time     `json:"authorizationExpiresAt"`
	RedirectURI            string        `json:"redirectUri"`
	ExpiresAt              time.Time     `json:"expiresAt"`
	CreatedAt              time.Time     `json:"createdAt"`
	DecidedAt              *time.Time    `json:"decidedAt,omitempty"`
	RevokedAt              *time.Time    `json:"revokedAt,omitempty"`
	RevokedBy              *string       `json:"revokedBy,omitempty"`
	RevocationReason       *string       `json:"revocationReason,omitempty"`

	AccountID *uuid.UUID `json:"-"`
}

// IsNode marks Consent as a Node.
func (Consent) IsNode() {}

// GetID returns the global ID.
func (c Consent) GetID() string { return c.ID }
