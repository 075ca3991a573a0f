package auth

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
)

// PaymentAccounts tells the authorizer which account each payment is on, so that it can judge
// payments by their accounts without reading the payments table (*payments.Service answers).
type PaymentAccounts interface {
	// AccountsOf maps each existing payment of ids to its account; missing ones are left out.
	AccountsOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error)
}

// Payment authorizes action a on one payment, judged on the payment's account as Account does.
// Errors: UNAUTHENTICATED, FORBIDDEN (also when the payment does not exist).
func (z *Authorizer) Payment(ctx context.Context, a Action, paymentID uuid.UUID) (*Caller, error) {
	if _, err := z.Caller(ctx); err != nil {
		return nil, err
	}
	on, err := z.payments.AccountsOf(ctx, []uuid.UUID{paymentID})
	if err != nil {
		return nil, err
	}
	accountID, ok := on[paymentID]
	if !ok {
		return nil, errForbidden
	}
	return z.Account(ctx, a, accountID)
}

// DecidePayments authorizes approving or rejecting payments, all or none: only a holder decides,
// and only on accounts they hold or represent. The GraphQL mutations and the approval page both
// ask it; the payments package then carries the decision out.
// Errors: UNAUTHENTICATED; FORBIDDEN for tenants and operators, and when any payment is missing
// or on someone else's account.
func (z *Authorizer) DecidePayments(ctx context.Context, ids []uuid.UUID) (*Caller, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Kind != KindHolder {
		return nil, apperr.E(apperr.Forbidden, "only the account's holder approves or rejects payments")
	}
	on, err := z.payments.AccountsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var accountIDs []uuid.UUID
	for _, id := range ids {
		accountID, ok := on[id]
		if !ok {
			return nil, errForbidden
		}
		if !slices.Contains(accountIDs, accountID) {
			accountIDs = append(accountIDs, accountID)
		}
	}
	refusals, err := z.Accounts(ctx, ActionApprovePayment, accountIDs)
	if err != nil {
		return nil, err
	}
	for _, r := range refusals {
		if r != nil {
			return nil, r
		}
	}
	return c, nil
}

// Payments is Payment for many payments at once (StatementEntry.payment on a page of entries):
// one answer per id, nil where allowed, in the order of ids, each judged on its payment's account
// as Account does (FORBIDDEN also for a payment that does not exist), in a constant number of
// queries whatever the number of ids.
func (z *Authorizer) Payments(ctx context.Context, a Action, ids []uuid.UUID) ([]error, error) {
	if _, err := z.Caller(ctx); err != nil {
		return nil, err
	}
	on, err := z.payments.AccountsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var accountIDs []uuid.UUID
	for _, id := range ids {
		if acc, ok := on[id]; ok && !slices.Contains(accountIDs, acc) {
			accountIDs = append(accountIDs, acc)
		}
	}
	refusals, err := z.Accounts(ctx, a, accountIDs)
	if err != nil {
		return nil, err
	}
	out := make([]error, len(ids))
	for i, id := range ids {
		acc, ok := on[id]
		if !ok {
			out[i] = errForbidden
			continue
		}
		out[i] = refusals[slices.Index(accountIDs, acc)]
	}
	return out, nil
}
