package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
)

// Every edge of the schema that reaches an Account (account(id), node, Payment.account,
// Consent.account, the mutation payloads' account) shows it only to a caller the authorizer lets
// read it (auth.ActionReadAccount), exactly as account(id) does: a token with payments:read
// alone, or a tenant whose registration lacks accounts:read, reads a payment but not its
// account's name, document and email. TestAuthorizationMatrixCoversEveryEdgeToAnAccount fails
// when an edge is added without joining the authorization matrix.

// readableAccounts loads the accounts of ids for the caller: one answer per id, in order, with a
// FORBIDDEN error where the caller may not read it (also where it does not exist), in a constant
// number of queries whatever the number of ids (a page of payments).
func (r *Resolver) readableAccounts(ctx context.Context, ids []uuid.UUID) ([]*model.Account, error) {
	refusals, err := r.Authz.Accounts(ctx, auth.ActionReadAccount, ids)
	if err != nil {
		return nil, err
	}
	var allowed []uuid.UUID
	for i, id := range ids {
		if refusals[i] == nil && !slices.Contains(allowed, id) {
			allowed = append(allowed, id)
		}
	}
	loaded, err := r.AccountService.GetMany(ctx, allowed)
	if err != nil {
		return nil, err
	}
	out, errs := make([]*model.Account, len(ids)), make(graphql.BatchErrorList, len(ids))
	refused := false
	for i, id := range ids {
		acc := loaded[id]
		if refusals[i] != nil || acc == nil {
			errs[i], refused = r.Authz.Refuse(ctx), true
			continue
		}
		out[i] = accountOut(acc)
	}
	if refused {
		return out, errs
	}
	return out, nil
}

// readableAccount is the check of readableAccounts for the one account a mutation's payload
// carries (already loaded): itself when the caller may read it, null with FORBIDDEN otherwise.
func (r *Resolver) readableAccount(ctx context.Context, acc *model.Account) (*model.Account, error) {
	if acc == nil {
		return nil, nil
	}
	id, ok := globalid.DecodeAs(acc.ID, globalid.Account)
	if !ok {
		return nil, r.Authz.Refuse(ctx)
	}
	if _, err := r.Authz.Account(ctx, auth.ActionReadAccount, id); err != nil {
		return nil, err
	}
	return acc, nil
}
