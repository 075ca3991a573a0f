package resolvers

import (
	"context"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// BoletoPDFPath is where a boleto's PDF is served: /boletos/{globalId}.pdf.
func BoletoPDFPath(gid string) string { return "/boletos/" + gid + ".pdf" }

func boletoOut(b *models.Boleto) *model.Boleto {
	gid := globalid.Encode(globalid.Boleto, b.ID)
	out := &model.Boleto{ID: gid, Kind: model.BoletoKind(b.Kind), Status: model.BoletoStatus(b.Status),
		Amount: ptr(money.BRL(money.Cents(b.AmountCents))), DueDate: b.DueDate, LimitDate: b.LimitDate, OurNumber: b.OurNumber,
		Barcode: b.Barcode, TypedLine: b.TypedLine, Customer: partyOut(&b.Customer), Beneficiary: partyOut(&b.Beneficiary),
		Discounts: make([]*model.BoletoDiscount, len(b.Discounts)), Description: b.Description, Instructions: boletos.Instructions(b),
		IssuedAt: b.IssuedAt, RegisteredAt: b.RegisteredAt, SettledAt: b.SettledAt, PdfURL: BoletoPDFPath(gid),
		AccountID: b.AccountID, Stored: b}
	if f := b.Fine; f != nil {
		out.Fine = &model.BoletoFine{Rate: money.Cents(f.RateBP), Date: f.From}
	}
	if i := b.Interest; i != nil {
		out.Interest = &model.BoletoInterest{MonthlyRate: money.Cents(i.MonthlyRateBP), Date: i.From}
	}
	for i, d := range b.Discounts {
		out.Discounts[i] = &model.BoletoDiscount{Rate: money.Cents(d.RateBP), Date: d.Until}
	}
	// Who paid and how much, once paid (a payment at another bank shows before its credit lands).
	if b.PaidCents != nil {
		out.PaidAmount = ptr(money.BRL(money.Cents(*b.PaidCents)))
		out.Payer = partyOut(b.Payer)
	}
	return out
}

func partyOut(p *models.BoletoParty) *model.BoletoParty {
	if p == nil {
		return nil
	}
	out := &model.BoletoParty{Name: p.Name, Document: p.Document, TradeName: nonEmpty(p.TradeName),
		BranchCode: nonEmpty(p.BranchCode), AccountCode: nonEmpty(p.AccountCode)}
	if p.DocumentType != "" {
		out.DocumentType = ptr(model.DocumentType(p.DocumentType))
	}
	if p.ISPB != "" {
		out.Institution = &model.Institution{Name: p.BankName, Ispb: p.ISPB, Code: p.BankCode}
	}
	if a := p.Address; a != nil {
		out.Address = &model.BoletoAddress{Street: nonEmpty(a.Street), Number: nonEmpty(a.Number), Complement: nonEmpty(a.Complement),
			Neighborhood: nonEmpty(a.Neighborhood), City: nonEmpty(a.City), State: nonEmpty(a.State), PostalCode: nonEmpty(a.PostalCode)}
	}
	return out
}

// issueInput turns the GraphQL input into the domain's (the account is decoded by the caller).
func issueInput(in model.IssueBoletoInput) boletos.IssueInput {
	out := boletos.IssueInput{Kind: boletos.Kind(in.Kind), Amount: in.Amount, DueDate: brazil.DateOf(in.DueDate),
		LimitDate: dateIn(in.LimitDate), Description: in.Description, IdempotencyKey: in.IdempotencyKey}
	if c := in.Customer; c != nil {
		out.Customer = boletos.CustomerInput{Name: c.Name, Document: c.Document, TradeName: deref(c.TradeName)}
		if a := c.Address; a != nil {
			out.Customer.Address = &models.BoletoAddress{Street: deref(a.Street), Number: deref(a.Number), Complement: deref(a.Complement),
				Neighborhood: deref(a.Neighborhood), City: deref(a.City), State: deref(a.State), PostalCode: deref(a.PostalCode)}
		}
	}
	if f := in.Fine; f != nil {
		out.Fine = &boletos.FineInput{RateBP: int64(f.Rate), From: dateIn(f.Date)}
	}
	if i := in.Interest; i != nil {
		out.Interest = &boletos.InterestInput{MonthlyRateBP: int64(i.MonthlyRate), From: dateIn(i.Date)}
	}
	for _, d := range in.Discounts {
		out.Discounts = append(out.Discounts, boletos.DiscountInput{RateBP: int64(d.Rate), Until: brazil.DateOf(d.Date)})
	}
	return out
}

func limitsOut(l boletos.Limits) *model.BoletoLimits {
	return &model.BoletoLimits{Minimum: ptr(money.BRL(l.Minimum)), Maximum: ptr(money.BRL(l.Maximum))}
}

// boletoFor loads a boleto the caller may act on with action (FORBIDDEN otherwise, also when it
// does not exist).
func (r *Resolver) boletoFor(ctx context.Context, id string, action auth.Action, field ...string) (*models.Boleto, error) {
	key, err := decodeID(id, globalid.Boleto, field...)
	if err != nil {
		return nil, err
	}
	if _, _, err := r.Authz.Boleto(ctx, action, key); err != nil {
		return nil, err
	}
	b, err := r.BoletoService.Get(ctx, key)
	if err != nil {
		return nil, r.Authz.Hide(ctx, err)
	}
	return b, nil
}
