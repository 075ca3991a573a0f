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

// createPayment authorizes a cash-out on accountID and creates it with create, passing the
// authorizer's grant: payments decides from it whether the holder must approve.
func (r *Resolver) createPayment(ctx context.Context, accountID string, create func(auth.Grant, payments.Common) (*models.Payment, error), c payments.Common) (*model.CreatePaymentPayload, error) {
	id, ok := globalid.DecodeAs(accountID, globalid.Account)
	if !ok {
		ue, _ := userErrors(apperr.Field(apperr.Invalid, []string{"accountId"}, "%q is not an Account ID", accountID), "input")
		return &model.CreatePaymentPayload{UserErrors: ue, Warnings: []*model.Warning{}}, nil
	}
	grant, err := r.Authz.InitiatePayment(ctx, id)
	if err != nil {
		return nil, err
	}
	c.AccountID = id
	p, err := create(grant, c)
	if err != nil {
		ue, err := userErrors(err, "input")
		return &model.CreatePaymentPayload{UserErrors: ue, Warnings: []*model.Warning{}}, err
	}
	return &model.CreatePaymentPayload{Payment: paymentOut(p), UserErrors: []*model.UserError{}, Warnings: warningsOut(p)}, nil
}

// paymentFor loads a payment the caller may act on with action (FORBIDDEN otherwise, also when
// it does not exist).
func (r *Resolver) paymentFor(ctx context.Context, id string, action auth.Action, field ...string) (*models.Payment, error) {
	key, err := decodeID(id, globalid.Payment, field...)
	if err != nil {
		return nil, err
	}
	if _, err := r.Authz.Payment(ctx, action, key); err != nil {
		return nil, err
	}
	return r.PaymentService.Get(ctx, key)
}

// decidePayments is approvePayments and rejectPayments: the authorizer allows the holder of
// every payment's account, all or none (tenants and operators are FORBIDDEN), and payments
// carries the decision out.
func (r *Resolver) decidePayments(ctx context.Context, input model.DecidePaymentsInput, approve bool) (*model.DecidePaymentsPayload, error) {
	ids := make([]uuid.UUID, 0, len(input.PaymentIds))
	var badID error
	for i, gid := range input.PaymentIds {
		key, err := decodeID(gid, globalid.Payment, "input", "paymentIds", fmt.Sprint(i))
		if err != nil {
			badID = err
			break
		}
		ids = append(ids, key)
	}
	// The ids before a malformed one are judged first, so a caller who may not decide them
	// learns nothing more from a malformed id than from a valid one.
	c, err := r.Authz.DecidePayments(ctx, ids)
	if err != nil {
		return nil, err
	}
	if badID != nil {
		return nil, badID
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
