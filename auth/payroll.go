package auth

import (
	"context"

	"github.com/google/uuid"
)

// RunPayroll authorizes creating or cancelling a payroll on an account: Treasury only. The
// tenant must own the account and have payments:initiate in its token; a consent, whatever its
// scopes, never allows a payroll (DOMAIN.md §6.10: folha de pagamento is a Treasury product), nor
// does a holder's or an operator's token. Errors: UNAUTHENTICATED, FORBIDDEN (also when the
// account does not exist).
func (z *Authorizer) RunPayroll(ctx context.Context, accountID uuid.UUID) (Grant, error) {
	g, err := z.InitiatePayment(ctx, accountID)
	if err != nil {
		return Grant{}, err
	}
	if !g.Owned() {
		return Grant{}, errForbidden
	}
	return g, nil
}
