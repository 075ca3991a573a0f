package brazil

import (
	"fmt"
	"time"
	"unicode"
)

// BarcodeKind is the FEBRABAN family of a payment code. The GraphQL layer
// maps BarcodeBoleto to PaymentKind BOLETO and BarcodeArrecadacao to
// PaymentKind BARCODE.
type BarcodeKind string

// The two kinds of payment code.
const (
	// BarcodeBoleto is a boleto de cobrança (bank slip): 44-digit barcode,
	// 47-digit typed line, issued by a bank identified by its COMPE code.
	BarcodeBoleto BarcodeKind = "BOLETO"
	// BarcodeArrecadacao is an arrecadação/convênio code (utilities, taxes,
	// fines): 44-digit barcode starting with 8, 48-digit typed line.
	BarcodeArrecadacao BarcodeKind = "ARRECADACAO"
)

const (
	barcodeLen         = 44 // both kinds
	boletoLineLen      = 47
	arrecadacaoLineLen = 48
)

// Stable reasons carried by BarcodeError. They are the test vectors'
// expected_reason values; ReasonLength (shared with DocumentError) is
// also used. Callers branch on these; the messages may change.
const (
	ReasonNonDigit       = "non_digit"       // a character other than a digit or the mask (spaces, dots, dashes)
	ReasonGeneralDV      = "general_dv"      // the barcode's general check digit does not match
	ReasonFieldDV1       = "field_dv_1"      // boleto typed line: field 1 check digit
	ReasonFieldDV2       = "field_dv_2"      // boleto typed line: field 2 check digit
	ReasonFieldDV3       = "field_dv_3"      // boleto typed line: field 3 check digit
	ReasonBlockDV1       = "block_dv_1"      // arrecadação typed line: block 1 check digit
	ReasonBlockDV2       = "block_dv_2"      // arrecadação typed line: block 2 check digit
	ReasonBlockDV3       = "block_dv_3"      // arrecadação typed line: block 3 check digit
	ReasonBlockDV4       = "block_dv_4"      // arrecadação typed line: block 4 check digit
	ReasonCurrency       = "currency"        // boleto currency code other than 9 (BRL)
	ReasonSegment        = "segment"         // arrecadação segment 0 or 8
	ReasonValueID        = "value_id"        // arrecadação value id other than 6, 7, 8, 9
	ReasonNotArrecadacao = "not_arrecadacao" // 48 digits (arrecadação line) not starting with 8
	ReasonNotBoleto      = "not_boleto"      // starts with 8: an arrecadação code given where a boleto is required
	ReasonDueDate        = "due_date"        // the due-date factor gives no date in FEBRABAN's window around the reference date
)

// fieldDVReasons and blockDVReasons index the reasons by field/block.
var (
	fieldDVReasons = [...]string{ReasonFieldDV1, ReasonFieldDV2, ReasonFieldDV3}
	blockDVReasons = [...]string{ReasonBlockDV1, ReasonBlockDV2, ReasonBlockDV3, ReasonBlockDV4}
)

// BarcodeError explains why a payment code was rejected. Reason is one of
// the Reason* constants and is what code should test; Message is English
// for people.
type BarcodeError struct {
	Reason  string
	Message string
}

func (e *BarcodeError) Error() string { return e.Message }

func barcodeErr(reason, format string, args ...any) error {
	return &BarcodeError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Barcode is a decoded payment code of either kind, with what a payment
// screen shows: amount, due date and who collects.
type Barcode struct {
	Kind    BarcodeKind
	Barcode string // 44 digits, what the scanner reads
	Line    string // typed line (linha digitável), unmasked: 47 digits for a boleto, 48 for arrecadação

	// AmountCents is the amount in centavos when HasAmount. HasAmount is
	// false when the code leaves the amount to be entered: a boleto with
	// amount zero, an arrecadação value that is a reference quantity
	// (value id 7 or 9) or zero.
	AmountCents int64
	HasAmount   bool

	// DueDate is nil when no due date is known. For a boleto it is the
	// date of the due-date factor (nil for factor 0000). Arrecadação has no
	// standard due date: it is the YYYYMMDD a biller may put first in the
	// free field (FEBRABAN layout v7 §G), reported only when it is a real
	// date inside the same window as boleto factors around the reference
	// date, since the layout does not flag its presence.
	DueDate *Date

	BankCode string // boleto: COMPE code of the issuing bank (3 digits); see BankByCode
	Segment  int    // arrecadação: 1-7 or 9 (see Arrecadacao.SegmentName); 0 for a boleto

	// Exactly one of these is set, with every field of the code.
	Boleto      *Boleto
	Arrecadacao *Arrecadacao
}

// FormattedLine returns the typed line with its usual printed mask.
func (b Barcode) FormattedLine() string {
	switch {
	case b.Boleto != nil:
		return b.Boleto.FormattedLine()
	case b.Arrecadacao != nil:
		return b.Arrecadacao.FormattedLine()
	}
	return b.Line
}

// DecodeBarcode validates and decodes a payment code typed, pasted or
// scanned by a customer: a 44-digit barcode, a 47-digit boleto line or a
// 48-digit arrecadação line, with or without mask (spaces, dots and dashes
// are ignored). A code starting with 8 is arrecadação, anything else a
// boleto. Every check digit is verified.
//
// ref is the processing date: a boleto's due-date factor repeats every
// 9000 days, and FEBRABAN places it in the window [ref-3000, ref+5500]
// days; a factor with no date in that window is refused (ReasonDueDate).
// The calendar date of ref is read in ref's own location, so pass
// BrasiliaDate(time.Now()).Time() or a date at midnight UTC; the package
// never reads the clock.
func DecodeBarcode(code string, ref time.Time) (Barcode, error) {
	n, err := paymentDigits(code)
	if err != nil {
		return Barcode{}, err
	}
	refDate := DateOf(ref)
	if len(n) > 0 && n[0] == '8' {
		if len(n) != barcodeLen && len(n) != arrecadacaoLineLen {
			return Barcode{}, lengthErr(len(n))
		}
		a, err := parseArrecadacaoDigits(n)
		if err != nil {
			return Barcode{}, err
		}
		out := Barcode{
			Kind:        BarcodeArrecadacao,
			Barcode:     a.Barcode,
			Line:        a.Line,
			AmountCents: a.AmountCents,
			HasAmount:   a.HasAmount && a.AmountCents > 0,
			Segment:     a.Segment,
			Arrecadacao: &a,
		}
		if d, ok := a.FreeFieldDate(); ok && inFactorWindow(d, refDate) {
			out.DueDate = &d
		}
		return out, nil
	}
	switch len(n) {
	case barcodeLen, boletoLineLen:
	case arrecadacaoLineLen:
		return Barcode{}, barcodeErr(ReasonNotArrecadacao,
			"a 48-digit code is an arrecadação (utility/tax) line and must start with 8, got %c", n[0])
	default:
		return Barcode{}, lengthErr(len(n))
	}
	b, err := parseBoletoDigits(n)
	if err != nil {
		return Barcode{}, err
	}
	out := Barcode{
		Kind:        BarcodeBoleto,
		Barcode:     b.Barcode,
		Line:        b.Line,
		AmountCents: b.AmountCents,
		HasAmount:   b.AmountCents > 0,
		BankCode:    b.BankCode,
		Boleto:      &b,
	}
	due, err := b.DueDate(refDate)
	if err != nil {
		return Barcode{}, err
	}
	if !due.IsZero() {
		out.DueDate = &due
	}
	return out, nil
}

func lengthErr(got int) error {
	return barcodeErr(ReasonLength,
		"a payment code has 44 digits (barcode), 47 (boleto typed line) or 48 (utility/tax typed line), got %d", got)
}

// paymentDigits removes the mask people type or paste (dots, dashes and
// any white space, including the no-break spaces of PDFs and banking
// apps) and rejects anything else.
func paymentDigits(s string) (string, error) {
	b := make([]byte, 0, arrecadacaoLineLen)
	for _, r := range s {
		switch {
		case isDigit(r):
			b = append(b, byte(r))
		case r == '.' || r == '-' || unicode.IsSpace(r):
		default:
			return "", barcodeErr(ReasonNonDigit,
				"a payment code may contain only digits (spaces, dots and dashes are ignored), found %q", r)
		}
	}
	return string(b), nil
}

// mod10DV is FEBRABAN's module 10: weights 2,1,2,1... from the right, the
// digits of each product summed, DV = (10 - sum mod 10) mod 10. s holds
// ASCII digits only.
func mod10DV(s string) int {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		p := int(s[i]-'0') * w
		sum += p/10 + p%10
		w = 3 - w
	}
	return (10 - sum%10) % 10
}

// mod11Sum is the weighted sum of module 11: weights 2..9 from the right,
// restarting at 2.
func mod11Sum(s string) int {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	return sum
}

func digitsValue(s string) int64 {
	var v int64
	for i := 0; i < len(s); i++ {
		v = v*10 + int64(s[i]-'0')
	}
	return v
}
