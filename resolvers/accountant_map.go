package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// paymentsOfEntries is StatementEntry.payment for a page of entries: each entry's payment when
// the caller may read it (auth.Authorizer.Payments, as payment(id)), null with FORBIDDEN when not,
// null for an entry that executes no payment; authorized in one batch and read in one query.
func (r *Resolver) paymentsOfEntries(ctx context.Context, objs []*model.StatementEntry) ([]*model.Payment, error) {
	var ids []uuid.UUID
	var at []int
	for i, obj := range objs {
		if obj.OperationID != nil {
			ids, at = append(ids, *obj.OperationID), append(at, i)
		}
	}
	out := make([]*model.Payment, len(objs))
	if len(ids) == 0 {
		return out, nil
	}
	refusals, err := r.Authz.Payments(ctx, auth.ActionReadPayments, ids)
	if err != nil {
		return nil, err
	}
	var allowed []uuid.UUID
	for k, id := range ids {
		if refusals[k] == nil && !slices.Contains(allowed, id) {
			allowed = append(allowed, id)
		}
	}
	var loaded []models.Payment
	if len(allowed) > 0 {
		if loaded, err = r.PaymentService.GetMany(ctx, allowed); err != nil {
			return nil, err
		}
	}
	errs, refused := make(graphql.BatchErrorList, len(objs)), false
	for k, i := range at {
		if refusals[k] != nil {
			errs[i], refused = refusals[k], true
			continue
		}
		for j := range loaded {
			if loaded[j].ID == ids[k] {
				out[i] = paymentOut(&loaded[j])
				break
			}
		}
	}
	if refused {
		return out, errs
	}
	return out, nil
}

// schedulingReceiptOut maps a comprovante de agendamento.
func schedulingReceiptOut(r *receipts.Receipt, paymentGID string) *model.SchedulingReceipt {
	return &model.SchedulingReceipt{
		AuthenticationCode: r.AuthenticationCode, Payer: receiptPartyOut(r.Payer), Beneficiary: receiptPartyOut(r.Beneficiary),
		Amount: ptr(money.BRL(r.Amount)), Fee: ptr(money.BRL(r.Fee)), TotalToDebit: ptr(money.BRL(r.TotalDebited())),
		ScheduledTo: r.ScheduledTo.Time(), RequestedAt: r.CreatedAt, PDFPath: "/payments/" + paymentGID + "/receipt.pdf",
	}
}

// verificationOut is verifyReceipt's answer: authentic false and nothing else when check is nil.
func verificationOut(check *payments.ReceiptCheck) *model.ReceiptVerification {
	if check == nil {
		return &model.ReceiptVerification{}
	}
	r := check.Receipt
	out := &model.ReceiptVerification{
		Authentic: true, Kind: ptr(model.ReceiptKind(r.Covers)), PaymentKind: ptr(model.PaymentKind(r.Kind)),
		PaymentStatus: ptr(model.PaymentStatus(check.Status)), Amount: ptr(money.BRL(r.Amount)), Fee: ptr(money.BRL(r.Fee)),
		PayerName: nonEmpty(r.Payer.Name), PayerDocument: nonEmpty(receipts.PublicDocument(r.Payer)), BeneficiaryName: nonEmpty(r.Beneficiary.Name),
	}
	if !r.FinishedAt.IsZero() {
		out.FinishedAt = &r.FinishedAt
	}
	if !r.ScheduledTo.IsZero() {
		out.ScheduledTo = ptr(r.ScheduledTo.Time())
	}
	if r.Refund != nil {
		out.RefundedAt = &r.Refund.At
	}
	return out
}
