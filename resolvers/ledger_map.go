package resolvers

import (
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/statementexport"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

func entryOut(e *ledger.Entry) *model.StatementEntry {
	out := &model.StatementEntry{
		ID: globalid.Encode(globalid.Entry, e.ID), OccurredAt: e.OccurredAt, Direction: model.EntryDirection(e.Direction),
		Amount: ptr(money.BRL(e.Amount)), BalanceBefore: ptr(money.BRL(e.BalanceBefore)), BalanceAfter: ptr(money.BRL(e.BalanceAfter)),
		Description: e.Description, Kind: entryKindOut(e.Kind), Fee: ptr(money.BRL(e.Fee)),
		TransactionID: globalid.Encode(globalid.Transaction, e.TransactionID),
		Reference:     statementexport.Reference(*e), OperationID: e.OperationID,
	}
	if c := e.Counterparty; c != nil {
		cp := &model.Counterparty{Name: nonEmpty(c.Name), Document: nonEmpty(c.Document), BranchCode: nonEmpty(c.BranchCode), AccountCode: nonEmpty(c.AccountCode)}
		if c.DocumentType != "" {
			cp.DocumentType = ptr(model.DocumentType(c.DocumentType))
		}
		if c.AccountType != "" {
			cp.AccountType = ptr(model.BankAccountType(c.AccountType))
		}
		if c.InstitutionISPB != "" || c.InstitutionName != "" {
			cp.Institution = &model.Institution{Name: c.InstitutionName, Ispb: c.InstitutionISPB, Code: c.InstitutionCode}
		}
		out.Counterparty = cp
	}
	return out
}

func planOut(p *models.LimitPlan) *model.LimitPlan {
	return &model.LimitPlan{Name: p.Name, Daily: ptr(money.BRL(money.Cents(p.DailyCents))), Monthly: ptr(money.BRL(money.Cents(p.MonthlyCents)))}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
