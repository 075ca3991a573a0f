package model

import (
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/money"
)

// Limits is the GraphQL Limits, hand-written so that dailyUsed and monthlyUsed are resolved
// (from the ledger) only when asked for.
type Limits struct {
	Plan    *string      `json:"plan,omitempty"`
	Daily   *money.Money `json:"daily"`
	Monthly *money.Money `json:"monthly"`

	AccountID uuid.UUID `json:"-"`
	// Page is set by the resolvers on the Limits of one page of accounts: what they share (their
	// usage, read once for the whole page). Nil for an account read alone.
	Page any `json:"-"`
}
