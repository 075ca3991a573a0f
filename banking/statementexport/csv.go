package statementexport

import (
	"encoding/csv"
	"io"
	"time"

	"github.com/ponte-bff/ponte/banking/ledger"
)

// CSVContentType is the media type to serve a CSV statement with.
const CSVContentType = "text/csv; charset=utf-8"

// CSVHeader is the first record of a CSV statement. One record per entry follows, oldest first:
//
//	id                       the entry id (stable: the same entry always has the same id)
//	occurred_at              when it was posted, RFC 3339 in UTC: 2026-05-11T12:00:00.123456Z
//	date                     its São Paulo calendar date, YYYY-MM-DD: the bookkeeping date
//	direction                CREDIT or DEBIT
//	kind                     statement type: internal, external, external_refund, payment, payment_refund, fee
//	amount                   signed decimal with '.' and two decimals: credits positive, debits negative
//	fee                      the fee charged for this operation (posted as its own "fee" entry), "0.00" if none
//	balance_before           available balance before the entry
//	balance_after            available balance after it
//	description              free text
//	transaction_id           the ledger transaction (all postings of one movement)
//	operation_id             the payment it executes, empty when the transaction is the operation
//	counterparty_name        the other side, when known, and its document (CPF or CNPJ digits),
//	counterparty_document    bank (ISPB and COMPE code), branch and account
//	counterparty_ispb
//	counterparty_bank_code
//	counterparty_branch
//	counterparty_account
//
// The file is UTF-8 without a byte order mark, comma-separated, quoted where RFC 4180 requires,
// with CRLF line ends. A sum of the amount column is the net change over the period.
var CSVHeader = []string{
	"id", "occurred_at", "date", "direction", "kind", "amount", "fee", "balance_before", "balance_after",
	"description", "transaction_id", "operation_id", "counterparty_name", "counterparty_document",
	"counterparty_ispb", "counterparty_bank_code", "counterparty_branch", "counterparty_account",
}

// timeLayout is RFC 3339 with a fixed six decimals: what the ledger keeps, in a constant width.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

type csvWriter struct {
	w *csv.Writer
}

// NewCSV returns a Writer of a CSV statement (see CSVHeader).
func NewCSV(w io.Writer) Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvWriter{w: cw}
}

func (c *csvWriter) Begin(ledger.StatementPeriod) error { return c.w.Write(CSVHeader) }

func (c *csvWriter) Entry(e ledger.Entry) error {
	var opID string
	if e.OperationID != nil {
		opID = e.OperationID.String()
	}
	cp := e.Counterparty
	if cp == nil {
		cp = &ledger.Counterparty{}
	}
	return c.w.Write([]string{
		e.ID.String(), e.OccurredAt.UTC().Format(timeLayout), e.OccurredAt.In(saoPaulo).Format(time.DateOnly),
		string(e.Direction), string(e.Kind), e.Signed().String(), e.Fee.String(), e.BalanceBefore.String(), e.BalanceAfter.String(),
		e.Description, e.TransactionID.String(), opID, cp.Name, cp.Document,
		cp.InstitutionISPB, cp.InstitutionCode, cp.BranchCode, cp.AccountCode,
	})
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}
