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

// TenantsReaching returns, for each of accountIDs, the tenants that reach it at now, in db: its
// owner (Treasury) and every tenant holding a live consent on it with scope (any scope when
// scope is ""). It is TenantReaches read the other way, for an event that names no tenant but
// an account (a statement entry): the webhook dispatcher asks it whom to tell. An account no
// tenant reaches is left out.
func TenantsReaching(ctx context.Context, db *gorm.DB, scope string, accountIDs []uuid.UUID, now time.Time) (map[uuid.UUID][]uuid.UUID, error) {
	out := map[uuid.UUID][]uuid.UUID{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	db = db.WithContext(ctx)
	owners := db.Model(&models.Account{}).Select("accounts.id AS account_id, accounts.owner_tenant_id AS tenant_id").
		Where("accounts.id IN ? AND accounts.owner_tenant_id IS NOT NULL", accountIDs)
	consented := LiveConsent(db.Table("consents").Select("consents.account_id, consents.tenant_id").
		Where("consents.account_id IN ?", accountIDs), now, scope)
	var rows []struct{ AccountID, TenantID uuid.UUID }
	if err := db.Raw("? UNION ?", owners, consented).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.AccountID] = append(out[r.AccountID], r.TenantID)
	}
	return out, nil
}
