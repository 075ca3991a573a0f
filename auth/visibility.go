package auth

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Visibility narrows a listing query to the rows a caller may see. The authorizer builds it from
// the caller; the domain package that owns the table applies it (accounts.Service.List,
// consent.Service.List), so no domain package restates who may see what.
type Visibility = func(*gorm.DB) *gorm.DB

// AccountVisibility returns which accounts the caller may list: an operator all; a holder those
// they hold or represent; a tenant with accounts:read its own and those it holds a live consent
// on with accounts:read. Errors: UNAUTHENTICATED, FORBIDDEN for a tenant without accounts:read.
func (z *Authorizer) AccountVisibility(ctx context.Context) (Visibility, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case KindOperator:
		return func(q *gorm.DB) *gorm.DB { return q }, nil
	case KindHolder:
		return func(q *gorm.DB) *gorm.DB {
			return q.Where("accounts.id IN (?)", HeldBy(q.Session(&gorm.Session{NewDB: true}), c.Document))
		}, nil
	case KindTenant:
		if c.HasScope(ScopeAccountsRead) {
			return TenantAccounts(c.Tenant.ID, ScopeAccountsRead, z.now()), nil
		}
	}
	return nil, errForbidden
}

// ConsentVisibility returns which consents the caller may list: a tenant those given to it, a
// holder those on accounts they hold or represent. Errors: UNAUTHENTICATED, FORBIDDEN for
// operators.
func (z *Authorizer) ConsentVisibility(ctx context.Context) (Visibility, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case KindTenant:
		return func(q *gorm.DB) *gorm.DB { return q.Where("consents.tenant_id = ?", c.Tenant.ID) }, nil
	case KindHolder:
		return func(q *gorm.DB) *gorm.DB {
			return q.Where("consents.account_id IN (?)", HeldBy(q.Session(&gorm.Session{NewDB: true}), c.Document))
		}, nil
	}
	return nil, errForbidden
}

// TenantAccounts narrows a query on accounts to those the tenant owns (Treasury) or holds a live
// consent on with scope at now (Open Banking).
func TenantAccounts(tenantID uuid.UUID, scope string, now time.Time) Visibility {
	return func(q *gorm.DB) *gorm.DB {
		consented := LiveConsent(q.Session(&gorm.Session{NewDB: true}).Table("consents").Select("account_id").
			Where("tenant_id = ?", tenantID), now, scope)
		return q.Where("(accounts.owner_tenant_id = ? OR accounts.id IN (?))", tenantID, consented)
	}
}
