package auth

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
)

// Action is something a caller may ask to do.
type Action string

const (
	ActionReadAccount   Action = "account.read"
	ActionCreateAccount Action = "account.create"
	ActionReviewKYC     Action = "kyc.review"
)

// tenantScope is the scope a tenant's token needs for each action.
var tenantScope = map[Action]string{
	ActionReadAccount:   ScopeAccountsRead,
	ActionCreateAccount: ScopeAccountsCreate,
}

// Authorizer is the one place that decides whether a caller may do an action. Every resolver
// goes through it.
type Authorizer struct {
	db *gorm.DB
}

// NewAuthorizer returns an Authorizer reading ownership from db.
func NewAuthorizer(db *gorm.DB) *Authorizer { return &Authorizer{db: db} }

// errForbidden is the single refusal: the same words whether the object exists or not.
var errForbidden = apperr.E(apperr.Forbidden, "you are not allowed to do this")

// Caller returns the authenticated caller. Errors: UNAUTHENTICATED.
func (z *Authorizer) Caller(ctx context.Context) (*Caller, error) {
	c, ok := CallerFrom(ctx)
	if !ok {
		return nil, apperr.E(apperr.Unauthenticated, "a bearer access token is required")
	}
	return c, nil
}

// Require authorizes an action that concerns no existing account (opening one, reviewing KYC
// as a role). Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) Require(ctx context.Context, a Action) (*Caller, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	switch a {
	case ActionCreateAccount:
		if c.Kind == KindTenant && c.HasScope(tenantScope[a]) {
			return c, nil
		}
	case ActionReviewKYC:
		if c.Kind == KindOperator {
			return c, nil
		}
	}
	return nil, errForbidden
}

// Account authorizes action a on one account: the tenant that owns it (Treasury) within its
// token's scopes, the holder whose verified document it carries, or an operator (read only).
// Errors: UNAUTHENTICATED, FORBIDDEN (also when the account does not exist).
func (z *Authorizer) Account(ctx context.Context, a Action, accountID uuid.UUID) (*Caller, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	var acc models.Account
	err = z.db.WithContext(ctx).Select("id", "owner_tenant_id", "document").Where("id = ?", accountID).Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errForbidden
	}
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case KindOperator:
		if a == ActionReadAccount {
			return c, nil
		}
	case KindHolder:
		if a == ActionReadAccount && acc.Document == c.Document {
			return c, nil
		}
	case KindTenant:
		scope, known := tenantScope[a]
		if known && acc.OwnerTenantID != nil && *acc.OwnerTenantID == c.Tenant.ID && c.HasScope(scope) {
			return c, nil
		}
	}
	return nil, errForbidden
}

// AccountVisibility returns which accounts the caller may list. Errors: UNAUTHENTICATED,
// FORBIDDEN for a tenant without accounts:read.
func (z *Authorizer) AccountVisibility(ctx context.Context) (accounts.Visibility, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return accounts.Visibility{}, err
	}
	switch c.Kind {
	case KindOperator:
		return accounts.Visibility{All: true}, nil
	case KindHolder:
		return accounts.Visibility{Document: c.Document}, nil
	case KindTenant:
		if c.HasScope(ScopeAccountsRead) {
			return accounts.Visibility{OwnerTenantID: &c.Tenant.ID}, nil
		}
	}
	return accounts.Visibility{}, errForbidden
}

// Tenant authorizes reading a tenant: itself, or any by an operator. Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) Tenant(ctx context.Context, tenantID uuid.UUID) (*models.Tenant, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Kind == KindTenant && c.Tenant.ID == tenantID {
		return c.Tenant, nil
	}
	if c.Kind == KindOperator {
		var t models.Tenant
		err := z.db.WithContext(ctx).Where("id = ?", tenantID).Take(&t).Error
		if err == nil {
			return &t, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	return nil, errForbidden
}
