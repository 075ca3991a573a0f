package auth

import (
	"context"

	"github.com/google/uuid"
)

// Basis is why a tenant may initiate a cash-out on an account.
type Basis string

const (
	ByOwnership Basis = "OWNERSHIP" // Treasury: the tenant's own account
	ByConsent   Basis = "CONSENT"   // Open Banking: a live consent with payments:initiate
)

// Grant is the authorizer's yes to a cash-out: which tenant asked, who to name in the audit log,
// and on what basis. The payments package takes it and decides from the basis whether the
// holder must approve; a Grant with no basis counts as consent, so a grant built carelessly never
// skips the holder's approval.
type Grant struct {
	TenantID *uuid.UUID
	Actor    string
	Basis    Basis
}

// Owned reports whether the grant rests on the tenant owning the account.
func (g Grant) Owned() bool { return g.Basis == ByOwnership }

// InitiatePayment authorizes a cash-out on an account (ActionInitiatePayment) and says on what
// basis. Errors: UNAUTHENTICATED, FORBIDDEN (also when the account does not exist).
func (z *Authorizer) InitiatePayment(ctx context.Context, accountID uuid.UUID) (Grant, error) {
	return z.grant(ctx, ActionInitiatePayment, accountID)
}

// grant authorizes a tenant's action a on an account and says on what basis it acts: its own
// account, or a consent. Only tenants are ever allowed the actions given here (allowedWith), so
// the caller's Tenant is set.
func (z *Authorizer) grant(ctx context.Context, a Action, accountID uuid.UUID) (Grant, error) {
	c, acc, err := z.account(ctx, a, accountID)
	if err != nil {
		return Grant{}, err
	}
	g := Grant{TenantID: &c.Tenant.ID, Actor: c.Actor(), Basis: ByConsent}
	if acc.OwnerTenantID != nil && *acc.OwnerTenantID == c.Tenant.ID {
		g.Basis = ByOwnership
	}
	return g, nil
}
