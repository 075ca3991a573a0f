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
	// The entry's four amounts in one allocation: a page maps fifty entries.
	m := &[4]money.Money{money.BRL(e.Amount), money.BRL(e.BalanceBefore), money.BRL(e.BalanceAfter), money.BRL(e.Fee)}
	out := &model.StatementEntry{
		ID: globalid.Encode(globalid.Entry, e.ID), OccurredAt: e.OccurredAt, Direction: model.EntryDirection(e.Direction),
		Amount: &m[0], BalanceBefore: &m[1], BalanceAfter: &m[2],
		Description: e.Description, Kind: entryKindOut(e.Kind), Fee: &m[3],
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
