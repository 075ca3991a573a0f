package auth

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// Consent authorizes reading or revoking a consent: only the tenant it was given to (and, for
// reading, the holder of its account and operators). Errors: UNAUTHENTICATED, FORBIDDEN (also
// when it does not exist).
func (z *Authorizer) Consent(ctx context.Context, consentID uuid.UUID, revoke bool) (*Caller, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	var row models.Consent
	err = z.db.WithContext(ctx).Select("id", "tenant_id", "account_id").Where("id = ?", consentID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errForbidden
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.Kind == KindTenant && row.TenantID == c.Tenant.ID:
		return c, nil
	case revoke:
		return nil, errForbidden
	case c.Kind == KindOperator:
		return c, nil
	case c.Kind == KindHolder && row.AccountID != nil:
		if _, err := z.Account(ctx, ActionReadAccount, *row.AccountID); err == nil {
			return c, nil
		}
	}
	return nil, errForbidden
}
