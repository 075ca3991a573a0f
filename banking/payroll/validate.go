package payroll

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// maxLineErrors caps the userErrors of one payroll: enough to fix a file, not a flood.
const maxLineErrors = 200

// columns name a line's fields in a userError: Stone's spreadsheet columns for a file, the input
// fields for lines.
type columns struct{ name, document, account, amount string }

var (
	fileColumns  = columns{ColumnName, ColumnCPF, ColumnAccount, ColumnAmount}
	inputColumns = columns{"name", "document", "accountCode", "amount"}
)

// lineErrors collects the userErrors of a payroll's lines, each at its line and column:
// ["file","line","17","CPF"] for a spreadsheet's row 17 (the header is row 1), and
// ["lines","16","document"] for the 17th of lines (the index in the list; its salary is line 17).
type lineErrors struct {
	list     apperr.List
	fromFile bool
	cols     columns
}

func (e *lineErrors) add(r row, col string, code apperr.Code, format string, args ...any) {
	if len(e.list) >= maxLineErrors {
		return
	}
	field := []string{"lines", strconv.Itoa(r.Number - 1), col} // lines are numbered from 1, indexed from 0
	if e.fromFile {
		field = []string{"file", "line", strconv.Itoa(r.Number), col}
	}
	e.list = append(e.list, apperr.Field(code, field, format, args...))
}

// checkLines validates every line, and every target against the accounts, before anything is
// stored: the CPF's check digits, an APPROVED Ponte account with that code held by that CPF (not
// the paying account), a positive amount. It returns the salaries when every line is good, or
// every line's errors (up to maxLineErrors).
func (s *Service) checkLines(ctx context.Context, payer uuid.UUID, rows []row, fromFile bool) ([]payments.Salary, error) {
	e := &lineErrors{fromFile: fromFile, cols: inputColumns}
	if fromFile {
		e.cols = fileColumns
	}
	docs := make([]string, len(rows))
	codes := make([]string, 0, len(rows))
	codeOK := make([]bool, len(rows))
	for i, r := range rows {
		name := strings.Join(strings.Fields(r.Name), " ")
		if name == "" || utf8.RuneCountInString(name) > 100 {
			e.add(r, e.cols.name, apperr.Required, "the employee's name is required (at most 100 characters)")
		}
		if doc, err := brazil.ParseCPF(r.Document); err != nil {
			e.add(r, e.cols.document, apperr.InvalidDocument, "%s", err.Error())
		} else {
			docs[i] = doc.Number
		}
		code := strings.ReplaceAll(strings.TrimSpace(r.AccountCode), "-", "")
		rows[i].AccountCode = code
		if accounts.ValidAccountCode(code) {
			codeOK[i] = true
			codes = append(codes, code)
		} else {
			e.add(r, e.cols.account, apperr.Invalid, "the account code must be digits ending in their check digit")
		}
		switch {
		case r.AmountErr != "":
			e.add(r, e.cols.amount, apperr.Invalid, "%s", r.AmountErr)
		case r.Amount <= 0 || r.Amount > ledger.MaxAmount:
			e.add(r, e.cols.amount, apperr.Invalid, "the salary must be at least 0.01, not %s", r.Amount)
		}
	}
	found, err := accounts.FindByAccountCodes(s.db.WithContext(ctx), codes)
	if err != nil {
		return nil, err
	}
	out := make([]payments.Salary, 0, len(rows))
	for i, r := range rows {
		if !codeOK[i] {
			continue
		}
		acc := found[r.AccountCode]
		switch {
		case acc == nil || acc.Status != string(accounts.StatusApproved) || acc.BankAccount == nil:
			e.add(r, e.cols.account, apperr.Invalid, "no APPROVED Ponte account has the code %s", r.AccountCode)
		case acc.ID == payer:
			e.add(r, e.cols.account, apperr.Invalid, "the account %s is the paying account itself", r.AccountCode)
		case docs[i] != "" && acc.Document != docs[i]:
			e.add(r, e.cols.document, apperr.Invalid, "this CPF is not the holder of the account %s", r.AccountCode)
		default:
			out = append(out, payments.Salary{Line: r.Number, To: acc, Amount: r.Amount})
		}
	}
	if err := e.list.OrNil(); err != nil {
		return nil, err
	}
	return out, nil
}

// total is what the salaries take from the paying account: amounts and fees.
func total(salaries []payments.Salary, fee money.Cents) (amount, fees money.Cents) {
	for _, sal := range salaries {
		amount += sal.Amount
		fees += fee
	}
	return amount, fees
}
