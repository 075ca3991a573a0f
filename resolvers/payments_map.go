package resolvers

import (
	"time"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

func paymentOut(p *models.Payment) *model.Payment {
	out := &model.Payment{
		ID: globalid.Encode(globalid.Payment, p.ID), Kind: model.PaymentKind(p.Kind), Status: model.PaymentStatus(p.Status),
		Amount: ptr(money.BRL(money.Cents(p.AmountCents))), Fee: ptr(money.BRL(money.Cents(p.FeeCents))),
		Description: p.Description, ScheduledFor: p.ScheduledFor, RunsOn: p.RunOn, CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, FinishedAt: p.FinishedAt, FailureReason: failureReasonOut(p), AccountID: p.AccountID, PaymentID: p.ID,
		StoredTarget: p.Target,
	}
	if p.ApprovalStatus != nil && p.ApprovalExpiresAt != nil {
		out.Approval = &model.Approval{Status: model.ApprovalStatus(*p.ApprovalStatus), DecidedAt: p.ApprovalDecidedAt,
			DecidedBy: p.ApprovalDecidedBy, ExpiresAt: p.ApprovalExpiresAt.In(saopaulo.Location)} // a deadline: São Paulo time
	}
	return out
}

func targetOut(t models.PaymentTarget) *model.PaymentTarget {
	pt := &model.PaymentTarget{Name: nonEmpty(t.Name), Document: nonEmpty(t.Document), BranchCode: nonEmpty(t.BranchCode),
		AccountCode: nonEmpty(t.AccountCode), Barcode: nonEmpty(t.Barcode), TypedLine: nonEmpty(t.TypedLine), Segment: nonEmpty(t.Segment)}
	if t.AccountType != "" {
		pt.AccountType = ptr(model.BankAccountType(t.AccountType))
	}
	if t.ISPB != "" {
		pt.Institution = &model.Institution{Name: t.BankName, Ispb: t.ISPB, Code: t.BankCode}
	}
	if d, err := brazil.ParseDate(t.DueDate); err == nil && t.DueDate != "" {
		pt.DueDate = ptr(d.Time())
	}
	return pt
}

// dateIn turns a GraphQL Date into the banking calendar's day.
func dateIn(t *time.Time) *brazil.Date {
	if t == nil {
		return nil
	}
	d := brazil.DateOf(*t)
	return &d
}

func receiptOut(r *receipts.Receipt, paymentGID string) *model.Receipt {
	out := &model.Receipt{
		AuthenticationCode: r.AuthenticationCode, Payer: receiptPartyOut(r.Payer), Beneficiary: receiptPartyOut(r.Beneficiary),
		Amount: ptr(money.BRL(r.Amount)), Fee: ptr(money.BRL(r.Fee)), TotalDebited: ptr(money.BRL(r.TotalDebited())),
		FinishedAt: r.FinishedAt, PDFPath: "/payments/" + paymentGID + "/receipt.pdf", Kind: model.ReceiptKindPayment,
	}
	if f := r.Refund; f != nil {
		out.Kind = model.ReceiptKindRefund
		out.Refund = &model.ReceiptRefund{RefundedAt: f.At, Amount: ptr(money.BRL(f.Amount)), Reason: nonEmpty(f.Reason)}
	}
	return out
}

// receiptPartyOut is one side of a receipt.
func receiptPartyOut(p receipts.Party) *model.ReceiptParty {
	out := &model.ReceiptParty{Name: nonEmpty(p.Name), Document: nonEmpty(p.Document), BranchCode: nonEmpty(p.BranchCode), AccountCode: nonEmpty(p.AccountCode)}
	if p.InstitutionISPB != "" {
		out.Institution = &model.Institution{Name: p.InstitutionName, Ispb: p.InstitutionISPB, Code: p.InstitutionCode}
	}
	return out
}
