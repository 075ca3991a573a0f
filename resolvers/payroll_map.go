package resolvers

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

func payrollOut(p *models.Payroll) *model.Payroll {
	return &model.Payroll{ID: globalid.Encode(globalid.Payroll, p.ID), Status: model.PayrollStatus(p.Status),
		Amount: ptr(money.BRL(money.Cents(p.AmountCents))), Fee: ptr(money.BRL(money.Cents(p.FeeCents))), LineCount: p.LineCount,
		Description: p.Description, ScheduledFor: p.ScheduledFor, CreatedAt: p.CreatedAt, FinishedAt: p.FinishedAt,
		AccountID: p.AccountID, PayrollID: p.ID}
}

// payrollLines maps PayrollLineInput to the domain's lines; nil stays nil (no lines given).
func payrollLines(in []*model.PayrollLineInput) []payroll.Line {
	if in == nil {
		return nil
	}
	out := make([]payroll.Line, len(in))
	for i, l := range in {
		out[i] = payroll.Line{Name: l.Name, Document: l.Document, AccountCode: l.AccountCode, Amount: l.Amount}
	}
	return out
}

// payrollFile is the uploaded spreadsheet, if one was sent.
func payrollFile(u *graphql.Upload) *payroll.File {
	if u == nil {
		return nil
	}
	var content io.Reader = u.File
	return &payroll.File{Filename: u.Filename, Content: content}
}

// payrollFor loads a payroll the caller may read the payments of (FORBIDDEN otherwise, also when
// it does not exist).
func (r *Resolver) payrollFor(ctx context.Context, id string, field ...string) (*models.Payroll, error) {
	key, err := decodeID(id, globalid.Payroll, field...)
	if err != nil {
		return nil, err
	}
	p, err := r.PayrollService.Get(ctx, key)
	if err != nil {
		return nil, r.Authz.Hide(ctx, err)
	}
	if _, err := r.Authz.Account(ctx, auth.ActionReadPayments, p.AccountID); err != nil {
		return nil, err
	}
	return p, nil
}
