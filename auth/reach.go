package auth

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// TenantReaches reports which of accountIDs the tenant reaches at now, in db (a transaction or
// not): the accounts it owns (Treasury) and those it holds a live consent on (Open Banking) with
// scope among its scopes, any scope when scope is "". A missing account is not reached.
//
// It is TenantAccounts' rule for work done for a tenant with no request behind it, so that
// background work never restates who reaches what: the payments domain asks it before a
// holder's approval counts and before a consented cash-out posts (payments:initiate), and the
// webhook dispatcher before it tells a tenant of an account's event (any live consent).
func TenantReaches(ctx context.Context, db *gorm.DB, tenantID uuid.UUID, scope string, accountIDs []uuid.UUID, now time.Time) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(accountIDs))
	if len(accountIDs) == 0 {
		return out, nil
	}
	var reached []uuid.UUID
	q := db.WithContext(ctx).Model(&models.Account{}).Where("accounts.id IN ?", accountIDs)
	if err := TenantAccounts(tenantID, scope, now)(q).Pluck("accounts.id", &reached).Error; err != nil {
		return nil, err
	}
	for _, id := range reached {
		out[id] = true
	}
	return out, nil
}
