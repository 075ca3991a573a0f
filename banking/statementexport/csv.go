package statementexport

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
)

// CSVContentType is the media type to serve a CSV statement with.
const CSVContentType = "text/csv; charset=utf-8"

// CSVHeader is the first record of a CSV statement. One record per entry follows, oldest first:
//
//	id                       the entry's Reference (stable: the OFX FITID, GraphQL's StatementEntry.reference)
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
//
// DialectBR writes the same columns for a spreadsheet set to Portuguese (Brazil): see DialectBR.
var CSVHeader = []string{
	"id", "occurred_at", "date", "direction", "kind", "amount", "fee", "balance_before", "balance_after",
	"description", "transaction_id", "operation_id", "counterparty_name", "counterparty_document",
	"counterparty_ispb", "counterparty_bank_code", "counterparty_branch", "counterparty_account",
}

// timeLayout is RFC 3339 with a fixed six decimals: what the ledger keeps, in a constant width.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Dialect is a flavour of the CSV statement: the same columns, numbers and dates written for
// one kind of reader.
type Dialect string

const (
	// DialectStandard is for programs: RFC 4180 with ',' separators, amounts with a decimal point,
	// RFC 3339 times and ISO dates; a description keeps its line breaks, quoted as RFC 4180 says.
	DialectStandard Dialect = ""
	// DialectBR is for Excel and LibreOffice Calc in Portuguese (Brazil), opened with a double
	// click: ';' separators (the list separator of a pt-BR system, since ',' is its decimal mark),
	// amounts with a decimal comma and no thousands separator ("-1234,56"), dates dd/mm/yyyy and
	// occurred_at as São Paulo local time "dd/mm/yyyy hh:mm:ss", and a UTF-8 byte order mark,
	// without which Excel reads the file as Windows-1252 and "Açúcar" turns into "AÃ§Ãºcar".
	//
	// Line breaks and other control characters inside a text field become one space: one entry is
	// always one line. Quoted line breaks are valid RFC 4180, and both spreadsheets read them
	// when they open the file, but Excel's text import (Data > From Text) and line-oriented tools
	// and ERP importers split the row there; a statement description gains nothing from its line
	// breaks. A text field that a spreadsheet would run as a formula (starting with =, +, -, @)
	// gets a leading apostrophe, as OWASP advises against CSV injection: a description is written
	// by whoever sent the money. Identifiers are written as they are: a spreadsheet that takes a
	// branch "0001" or an ISPB "00000000" for a number shows it without its leading zeros, so an
	// import that needs them reads those columns as text (or uses the standard dialect).
	DialectBR Dialect = "br"
)

// ParseDialect reads the dialect query parameter: "" (standard) or "br".
func ParseDialect(s string) (Dialect, error) {
	switch d := Dialect(s); d {
	case DialectStandard, DialectBR:
		return d, nil
	}
	return "", fmt.Errorf("unknown CSV dialect %q: leave it out, or br", s)
}

// byteOrderMark is UTF-8's, the mark by which Excel recognizes a UTF-8 CSV.
const byteOrderMark = "\uFEFF"

type csvWriter struct {
	out     io.Writer
	w       *csv.Writer
	dialect Dialect
}

// NewCSV returns a Writer of a CSV statement (see CSVHeader) in the standard dialect.
func NewCSV(w io.Writer) Writer { return NewCSVDialect(w, DialectStandard) }

// NewCSVDialect returns a Writer of a CSV statement (see CSVHeader) in dialect d.
func NewCSVDialect(w io.Writer, d Dialect) Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if d == DialectBR {
		cw.Comma = ';'
	}
	return &csvWriter{out: w, w: cw, dialect: d}
}

func (c *csvWriter) Begin(ledger.StatementPeriod) error {
	if c.dialect == DialectBR {
		if _, err := io.WriteString(c.out, byteOrderMark); err != nil {
			return err
		}
	}
	return c.w.Write(CSVHeader)
}

// amount formats c in the dialect: "-1234.56" or "-1234,56".
func (c *csvWriter) amount(v money.Cents) string {
	if c.dialect == DialectBR {
		return strings.Replace(v.String(), ".", ",", 1)
	}
	return v.String()
}

// text formats free text in the dialect (see DialectBR).
func (c *csvWriter) text(s string) string {
	if c.dialect != DialectBR {
		return s
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r != ' ' && (unicode.IsControl(r) || unicode.IsSpace(r)) }), " ")
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}

func (c *csvWriter) Entry(e ledger.Entry) error {
	var opID string
	if e.OperationID != nil {
		opID = e.OperationID.String()
	}
	cp := e.Counterparty
	if cp == nil {
		cp = &ledger.Counterparty{}
	}
	at, day := e.OccurredAt.UTC().Format(timeLayout), e.OccurredAt.In(saoPaulo).Format(time.DateOnly)
	if c.dialect == DialectBR {
		at, day = e.OccurredAt.In(saoPaulo).Format("02/01/2006 15:04:05"), e.OccurredAt.In(saoPaulo).Format("02/01/2006")
	}
	return c.w.Write([]string{
		Reference(e), at, day,
		string(e.Direction), string(e.Kind), c.amount(e.Signed()), c.amount(e.Fee), c.amount(e.BalanceBefore), c.amount(e.BalanceAfter),
		c.text(e.Description), e.TransactionID.String(), opID, c.text(cp.Name), cp.Document,
		cp.InstitutionISPB, cp.InstitutionCode, cp.BranchCode, cp.AccountCode,
	})
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}
