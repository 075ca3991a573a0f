package auth

import (
	"context"

	"github.com/google/uuid"
)

// Boleto authorizes action a on one boleto, judged on the account it was issued on as Account
// does: ActionReadAccount to read it (boleto(id), node, its PDF), ActionIssueBoleto to cancel it.
// It returns the boleto's account. The boletos table is read for the account alone, as the
// accounts table is for its owner. Errors: UNAUTHENTICATED, FORBIDDEN (also when the boleto
// does not exist).
func (z *Authorizer) Boleto(ctx context.Context, a Action, boletoID uuid.UUID) (*Caller, uuid.UUID, error) {
	if _, err := z.Caller(ctx); err != nil {
		return nil, uuid.Nil, err
	}
	var ids []uuid.UUID
	if err := z.db.WithContext(ctx).Table("boletos").Where("id = ?", boletoID).Pluck("account_id", &ids).Error; err != nil {
		return nil, uuid.Nil, err
	}
	if len(ids) == 0 {
		return nil, uuid.Nil, errForbidden
	}
	c, err := z.Account(ctx, a, ids[0])
	if err != nil {
		return nil, uuid.Nil, err
	}
	return c, ids[0], nil
}

// IssueBoleto authorizes issuing a boleto on an account (ActionIssueBoleto: a tenant with
// boletos:issue that owns the account, or holds a live consent with it) and names the issuer.
// Errors: UNAUTHENTICATED, FORBIDDEN (also when the account does not exist).
func (z *Authorizer) IssueBoleto(ctx context.Context, accountID uuid.UUID) (Grant, error) {
	return z.grant(ctx, ActionIssueBoleto, accountID)
}
