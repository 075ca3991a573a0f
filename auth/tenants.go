package auth

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// EnabledTenants reports which of ids are registered, enabled tenants, in db (a transaction or
// not). Packages that act for tenants in the background ask this instead of reading the tenants
// table (webhooks: whose endpoints receive events).
func EnabledTenants(ctx context.Context, db *gorm.DB, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var enabled []uuid.UUID
	err := db.WithContext(ctx).Model(&models.Tenant{}).Where("id IN ? AND disabled_at IS NULL", ids).Pluck("id", &enabled).Error
	if err != nil {
		return nil, err
	}
	for _, id := range enabled {
		out[id] = true
	}
	return out, nil
}

// TenantRegistration authorizes reading a tenant's registration (its scopes, redirect URIs,
// enablement, throttle): an operator any, a tenant its own. It reads nothing: the caller is in ctx.
// Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) TenantRegistration(ctx context.Context, tenantID uuid.UUID) error {
	c, err := z.Caller(ctx)
	if err != nil {
		return err
	}
	if c.Kind == KindOperator || (c.Kind == KindTenant && c.Tenant.ID == tenantID) {
		return nil
	}
	return errForbidden
}
