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
}
