package resolvers

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

func paymentCommon(amount money.Cents, description *string, scheduledFor *time.Time, key string) payments.Common {
	return payments.Common{Amount: amount, Description: description, ScheduledFor: dateIn(scheduledFor), IdempotencyKey: key}
}

// createPayment authorizes a cash-out on accountID and creates it with create: on the tenant's
// own account it needs no approval; through a consent (payments:initiate) it waits for the holder.
func (r *Resolver) createPayment(ctx context.Context, accountID string, create func(payments.Origin, payments.Common) (*models.Payment, error), c payments.Common) (*model.CreatePaymentPayload, error) {
	id, ok := globalid.DecodeAs(accountID, globalid.Account)
	if !ok {
		ue, _ := userErrors(apperr.Field(apperr.Invalid, []string{"accountId"}, "%q is not an Account ID", accountID), "input")
		return &model.CreatePaymentPayload{UserErrors: ue}, nil
	}
	caller, err := r.Authz.Account(ctx, auth.ActionInitiatePayment, id)
	if err != nil {
		return nil, err
	}
	owns, err := r.Authz.Owns(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	c.AccountID = id
	p, err := create(payments.Origin{TenantID: &caller.Tenant.ID, Actor: caller.Actor(), NeedsApproval: !owns}, c)
	if err != nil {
		ue, err := userErrors(err, "input")
		return &model.CreatePaymentPayload{UserErrors: ue}, err
	}
	return &model.CreatePaymentPayload{Payment: paymentOut(p), UserErrors: []*model.UserError{}}, nil
}

// paymentFor loads a payment the caller may act on with action (FORBIDDEN otherwise, also when
// it does not exist).
func (r *Resolver) paymentFor(ctx context.Context, id string, action auth.Action, field ...string) (*models.Payment, error) {
	key, err := decodeID(id, globalid.Payment, field...)
	if err != nil {
		return nil, err
	}
	p, err := r.PaymentService.Get(ctx, key)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, r.refuse(ctx)
	}
	if err != nil {
		return nil, err
	}
	if _, err := r.Authz.Account(ctx, action, p.AccountID); err != nil {
		return nil, err
	}
	return p, nil
}

// decidePayments is approvePayments and rejectPayments: the holder of every payment's account
// decides, all or none. Tenants and operators are FORBIDDEN.
func (r *Resolver) decidePayments(ctx context.Context, input model.DecidePaymentsInput, approve bool) (*model.DecidePaymentsPayload, error) {
	c, err := r.Authz.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Kind != auth.KindHolder {
		return nil, apperr.E(apperr.Forbidden, "only the account's holder approves or rejects payments")
	}
	ids := make([]uuid.UUID, len(input.PaymentIds))
	for i, gid := range input.PaymentIds {
		p, err := r.paymentFor(ctx, gid, auth.ActionApprovePayment, "input", "paymentIds", fmt.Sprint(i))
		if err != nil {
			return nil, err
		}
		ids[i] = p.ID
	}
	var decided []*models.Payment
	if approve {
		decided, err = r.PaymentService.Approve(ctx, c.Actor(), ids)
	} else {
		decided, err = r.PaymentService.Reject(ctx, c.Actor(), ids, input.Reason)
	}
	if err != nil {
		ue, err := userErrors(err, "input")
		return &model.DecidePaymentsPayload{Payments: []*model.Payment{}, UserErrors: ue}, err
	}
	out := &model.DecidePaymentsPayload{Payments: make([]*model.Payment, len(decided)), UserErrors: []*model.UserError{}}
	for i, p := range decided {
		out.Payments[i] = paymentOut(p)
	}
	return out, nil
}
