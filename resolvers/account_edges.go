package resolvers

import (
	"context"
	"errors"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
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
	sharePageUsage(out)
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

// authorizeAccounts decodes the ids of a page of accounts and authorizes action a on all of them
// at once: ids in the order of objs, the distinct ones allowed, and one refusal (nil where
// allowed) per id.
func (r *Resolver) authorizeAccounts(ctx context.Context, a auth.Action, objs []*model.Account) (ids, allowed []uuid.UUID, refusals []error, err error) {
	ids = make([]uuid.UUID, len(objs))
	for i, obj := range objs {
		if ids[i], err = decodeID(obj.ID, globalid.Account); err != nil {
			return nil, nil, nil, err
		}
	}
	if refusals, err = r.Authz.Accounts(ctx, a, ids); err != nil {
		return nil, nil, nil, err
	}
	for i, id := range ids {
		if refusals[i] == nil && !slices.Contains(allowed, id) {
			allowed = append(allowed, id)
		}
	}
	return ids, allowed, refusals, nil
}

// batchErrors is the error of a batch resolver for per-parent refusals: nil when there is none.
func batchErrors(refusals []error) error {
	if !slices.ContainsFunc(refusals, func(e error) bool { return e != nil }) {
		return nil
	}
	return graphql.BatchErrorList(refusals)
}

// failEachAllowed is the error of a batch resolver that fails after authorizing its page (a bad
// page argument, a failed read): err on every allowed account and each refused one's refusal, as
// when each account was resolved alone.
func failEachAllowed(refusals []error, err error) error {
	errs := make(graphql.BatchErrorList, len(refusals))
	for i, refusal := range refusals {
		errs[i] = refusal
		if refusal == nil {
			errs[i] = err
		}
	}
	return errs
}

// accountsShownBy is Consent.account for a page of consents: each consent's account while the
// caller may read it, null otherwise (after revocation the consent remains visible to its tenant
// but the account does not), authorized and read at once.
func (r *Resolver) accountsShownBy(ctx context.Context, objs []*model.Consent) ([]*model.Account, error) {
	var ids []uuid.UUID
	var at []int
	for i, obj := range objs {
		if obj.AccountID != nil {
			ids, at = append(ids, *obj.AccountID), append(at, i)
		}
	}
	out := make([]*model.Account, len(objs))
	if len(ids) == 0 {
		return out, nil
	}
	accs, err := r.readableAccounts(ctx, ids)
	var errs graphql.BatchErrorList
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	// The account shows only while the caller may read it: after revocation, the consent
	// remains visible to its tenant but the account does not.
	failed := make(graphql.BatchErrorList, len(objs))
	var failure bool
	for k, i := range at {
		out[i] = accs[k]
		if errs != nil && errs[k] != nil && apperr.CodeOf(errs[k]) != apperr.Forbidden {
			failed[i], failure = errs[k], true
		}
	}
	if failure {
		return out, failed
	}
	return out, nil
}
