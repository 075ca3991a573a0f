package model

import "github.com/ponte-bff/ponte/models"

// Tenant is the GraphQL Tenant, hand-written so that it carries the tenant's registration for
// the fields only an operator or the tenant itself may read: their resolvers ask auth first.
type Tenant struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	ClientID string         `json:"clientId"`
	Row      *models.Tenant `json:"-"`
}

// IsNode marks Tenant as a Node.
func (Tenant) IsNode() {}

// GetID is the Node's id.
func (t Tenant) GetID() string { return t.ID }
