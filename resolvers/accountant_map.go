package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// paymentsOfEntries is StatementEntry.payment for a page of entries: each entry's payment when
// the caller may read it (auth.Authorizer.Payments, as payment(id)), null with FORBIDDEN when not,
// null for an entry that executes no payment. Entries that Account.statement read ahead
// (readEntryPayments) answer from that; others are authorized in one batch and read in one query.
func (r *Resolver) paymentsOfEntries(ctx context.Context, objs []*model.StatementEntry) ([]*model.Payment, error) {
	var unread []*model.StatementEntry
	for _, obj := range objs {
		if obj.Payment == nil {
			unread = append(unread, obj)
		}
	}
	if err := r.readEntryPayments(ctx, unread); err != nil {
		return nil, err
	}
	out, errs, refused := make([]*model.Payment, len(objs)), make(graphql.BatchErrorList, len(objs)), false
	for i, obj := range objs {
		out[i], errs[i] = obj.Payment.Payment, obj.Payment.Err
		refused = refused || errs[i] != nil
	}
	if refused {
		return out, errs
	}
	return out, nil
}

// readEntryPayments sets each entry's Payment: authorized in one batch, read in one query,
// whatever the number of entries (of one account or of a page of accounts).
func (r *Resolver) readEntryPayments(ctx context.Context, entries []*model.StatementEntry) error {
	var ids []uuid.UUID
	for _, e := range entries {
		e.Payment = &model.EntryPayment{}
		if e.OperationID != nil {
			ids = append(ids, *e.OperationID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refusals, err := r.Authz.Payments(ctx, auth.ActionReadPayments, ids)
	if err != nil {
		return err
	}
	refused := map[uuid.UUID]error{}
	var allowed []uuid.UUID
	for k, id := range ids {
		switch {
		case refusals[k] != nil:
			refused[id] = refusals[k]
		case !slices.Contains(allowed, id):
			allowed = append(allowed, id)
		}
	}
	var loaded []models.Payment
	if len(allowed) > 0 {
		if loaded, err = r.PaymentService.GetMany(ctx, allowed); err != nil {
			return err
		}
	}
	byID := map[uuid.UUID]*model.Payment{}
	for i := range loaded {
		byID[loaded[i].ID] = paymentOut(&loaded[i])
	}
	for _, e := range entries {
		if e.OperationID != nil {
			e.Payment.Payment, e.Payment.Err = byID[*e.OperationID], refused[*e.OperationID]
		}
	}
	return nil
}

// selectsEntryPayment reports whether the statement field being resolved asks for its entries'
// payment (under nodes or edges.node, through fragments too), so that Account.statement reads the
// payments of a whole page of accounts at once only when they are wanted.
func selectsEntryPayment(ctx context.Context) bool { return selectsEntryField(ctx, "payment") }

// selectsEntryField reports whether the statement connection of ctx's field asks its entries
// (nodes or edges' node) for the field name.
func selectsEntryField(ctx context.Context, name string) bool {
	fc, op := graphql.GetFieldContext(ctx), graphql.GetOperationContext(ctx)
	if fc == nil || op == nil {
		return false
	}
	asks := func(sel ast.SelectionSet) bool {
		return slices.ContainsFunc(graphql.CollectFields(op, sel, []string{"StatementEntry", "Node"}),
			func(f graphql.CollectedField) bool { return f.Name == name })
	}
	for _, f := range graphql.CollectFields(op, fc.Field.Selections, []string{"StatementConnection"}) {
		switch f.Name {
		case "nodes":
			if asks(f.Selections) {
				return true
			}
		case "edges":
			for _, e := range graphql.CollectFields(op, f.Selections, []string{"StatementEdge"}) {
				if e.Name == "node" && asks(e.Selections) {
					return true
				}
			}
		}
	}
	return false
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
