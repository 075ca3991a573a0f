package models

import (
	"time"

	"github.com/google/uuid"
)

// Tenant is an ERP or accounting platform registered as an OAuth client.
type Tenant struct {
	ID            uuid.UUID     `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	ClientID      string        `gorm:"column:client_id"`
	Name          string        `gorm:"column:name"`
	AllowedScopes Array[string] `gorm:"column:allowed_scopes;type:text[];default:'{}'"`
	RedirectURIs  Array[string] `gorm:"column:redirect_uris;type:text[];default:'{}'"`
	DisabledAt    *time.Time    `gorm:"column:disabled_at"`
	// The tenant's leaky bucket of query cost (package throttle); nil: the server's default.
	ThrottleCapacity    *int      `gorm:"column:throttle_capacity"`
	ThrottleRestoreRate *int      `gorm:"column:throttle_restore_rate"` // cost points restored per second
	CreatedAt           time.Time `gorm:"column:created_at"`
	UpdatedAt           time.Time `gorm:"column:updated_at"`
}

// TableName is the tenants table.
func (Tenant) TableName() string { return "tenants" }
