package auth

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// grantedScopes returns the scopes of a tenant's live consents on an account: AUTHORISED and
// before expires_at at this very moment, so revocation and expiry apply to the next request.
func grantedScopes(ctx context.Context, db *gorm.DB, tenantID, accountID uuid.UUID, now time.Time) ([]string, error) {
	var scopes []string
	err := db.WithContext(ctx).Raw(`SELECT DISTINCT unnest(scopes) FROM consents
		WHERE tenant_id = ? AND account_id = ? AND status = 'AUTHORISED' AND expires_at > ?`, tenantID, accountID, now).Scan(&scopes).Error
	return scopes, err
}

// represents reports whether the person with CPF document may act for a company account.
func represents(ctx context.Context, db *gorm.DB, document string, accountID uuid.UUID) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Table("account_representatives").Where("account_id = ? AND document = ?", accountID, document).Count(&n).Error
	return n > 0, err
}
