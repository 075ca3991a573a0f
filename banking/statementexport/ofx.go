package statementexport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/money"
)

// OFXContentType is the media type to serve an OFX file with.
const OFXContentType = "application/x-ofx"

// ofxHeader is the OFX 1.0.2 SGML header. Brazilian banks declare USASCII/1252 and ERPs expect
// it, so text is written in Windows-1252 (which covers Portuguese); other characters (an emoji,
// CJK) become '?' in sgml, before the encoder could turn them into its own substitute, the
// control byte 0x1A that parsers reject.
const ofxHeader = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n" +
	"CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"

// Lengths OFX 1.0.2 allows for free text.
const (
	maxName = 32
	maxMemo = 255
)

// ofxWriter writes OFX 1.0.2 SGML: aggregates have end tags, elements (leaves) do not, lines end
// in CRLF, as the files Brazilian banks produce.
type ofxWriter struct {
	w      *bufio.Writer
	acct   Account
	now    time.Time
	period ledger.StatementPeriod
	err    error
}

// NewOFX returns a Writer of an OFX 1.0.2 bank statement (STMTRS) for acct: BANKID, BRANCHID,
// ACCTID, CURDEF BRL, one STMTTRN per entry (TRNTYPE CREDIT, DEBIT, or FEE for a fee charged,
// DTPOSTED, TRNAMT signed with '.' decimals, FITID the entry's Reference, so re-imports
// deduplicate and match the CSV id and GraphQL's StatementEntry.reference; NAME the counterparty, MEMO
// the description), then LEDGERBAL and AVAILBAL at the period's end. now is DTSERVER. Times are
// São Paulo local time with their offset, e.g. 20260511090000.000[-3:BRT].
func NewOFX(w io.Writer, acct Account, now time.Time) Writer {
	enc := encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())
	return &ofxWriter{w: bufio.NewWriter(enc.Writer(w)), acct: acct, now: now}
}

// line writes one line, keeping the first error.
func (o *ofxWriter) line(format string, args ...any) {
	if o.err == nil {
		_, o.err = fmt.Fprintf(o.w, format+"\r\n", args...)
	}
}

func (o *ofxWriter) Begin(p ledger.StatementPeriod) error {
	o.period = p
	_, o.err = io.WriteString(o.w, ofxHeader)
	o.line("<OFX>")
	o.line("<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>")
	o.line("<DTSERVER>%s", ofxTime(o.now))
	o.line("<LANGUAGE>POR")
	o.line("<FI>\r\n<ORG>%s\r\n<FID>%s\r\n</FI>", sgml(o.acct.Institution, maxName), sgml(o.acct.BankID, maxName))
	o.line("</SONRS>\r\n</SIGNONMSGSRSV1>")
	o.line("<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<TRNUID>1\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>")
	o.line("<STMTRS>\r\n<CURDEF>%s", money.Currency)
	o.line("<BANKACCTFROM>\r\n<BANKID>%s\r\n<BRANCHID>%s\r\n<ACCTID>%s\r\n<ACCTTYPE>CHECKING\r\n</BANKACCTFROM>",
		sgml(o.acct.BankID, 9), sgml(o.acct.BranchID, 22), sgml(o.acct.AccountID, 22))
	o.line("<BANKTRANLIST>\r\n<DTSTART>%s\r\n<DTEND>%s", ofxTime(p.Start), ofxTime(p.End))
	return o.err
}

func (o *ofxWriter) Entry(e ledger.Entry) error {
	trnType := ofxTrnType(e)
	name := e.Description
	if e.Counterparty != nil && e.Counterparty.Name != "" {
		name = e.Counterparty.Name
	}
	o.line("<STMTTRN>\r\n<TRNTYPE>%s\r\n<DTPOSTED>%s\r\n<TRNAMT>%s\r\n<FITID>%s", trnType, ofxTime(e.OccurredAt), e.Signed(), Reference(e))
	if n := sgml(name, maxName); n != "" {
		o.line("<NAME>%s", n)
	}
	if m := sgml(e.Description, maxMemo); m != "" {
		o.line("<MEMO>%s", m)
	}
	o.line("</STMTTRN>")
	return o.err
}

// ofxTrnType is the entry's OFX transaction type: FEE for a fee charged (a debit of kind fee),
// so accounting software books it as a bank charge; CREDIT or DEBIT otherwise. The refund of a
// fee (a credit of kind fee) is a CREDIT: OFX's FEE is money the bank took.
func ofxTrnType(e ledger.Entry) string {
	switch {
	case e.Direction == ledger.Debit && e.Kind == ledger.KindFee:
		return "FEE"
	case e.Direction == ledger.Debit:
		return "DEBIT"
	}
	return "CREDIT"
}

func (o *ofxWriter) Close() error {
	p := o.period
	o.line("</BANKTRANLIST>")
	o.line("<LEDGERBAL>\r\n<BALAMT>%s\r\n<DTASOF>%s\r\n</LEDGERBAL>", p.Ledger, ofxTime(p.AsOf))
	o.line("<AVAILBAL>\r\n<BALAMT>%s\r\n<DTASOF>%s\r\n</AVAILBAL>", p.Available, ofxTime(p.AsOf))
	o.line("</STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>")
	if o.err != nil {
		return o.err
	}
	return o.w.Flush()
}

var saoPaulo = saopaulo.Location

// ofxTime formats t as OFX does: São Paulo local time, milliseconds, offset in hours and zone
// name, like 20260511090000.000[-3:BRT] (BRST for the daylight time Brazil kept until 2019).
func ofxTime(t time.Time) string {
	local := t.In(saoPaulo)
	_, offset := local.Zone()
	zone := "BRT"
	if offset == -2*3600 {
		zone = "BRST"
	}
	return fmt.Sprintf("%s[%d:%s]", local.Format("20060102150405.000"), offset/3600, zone)
}

// sgml makes free text safe for an SGML element: one line, markup escaped, at most n characters,
// each of them in Windows-1252 ('?' stands for one that is not).
func sgml(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	s = strings.Map(func(r rune) rune {
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			return '?'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		s = strings.TrimSpace(string(r[:n]))
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
