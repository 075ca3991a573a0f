package brazil

// Boleto is a validated boleto de cobrança (Carta-Circular BCB 2.926/2000,
// FEBRABAN/BB layout). Barcode positions (1-based): 1-3 bank COMPE code,
// 4 currency (9 = BRL), 5 general DV, 6-9 due-date factor, 10-19 amount in
// centavos, 20-44 free field.
//
// Amounts above R$ 99.999.999,99, which some banks encode by spilling the
// amount over the factor, are not recognised: such a code decodes as a
// factor plus a 10-digit amount.
type Boleto struct {
	Barcode     string // 44 digits
	Line        string // linha digitável, 47 digits, unmasked
	BankCode    string // COMPE code of the issuing bank, 3 digits
	DueFactor   int    // 0 = no due date; otherwise 1000-9999, see DueDate
	AmountCents int64  // 0 = the amount is not fixed in the code and must be entered
	FreeField   string // 25 digits, bank-specific (agreement, our number...), not validatable generically
}

// factorEpoch is the FEBRABAN base date: factor f is factorEpoch + f days,
// modulo the 9000-day cycle (1000 = 2000-07-03, 9999 = 2025-02-21, then
// 1000 again on 2025-02-22).
var factorEpoch = Date{Year: 1997, Month: 10, Day: 7}

const (
	factorMin        = 1000
	factorCycle      = 9000
	factorWindowPast = 3000 // days before ref a due date may lie
	factorWindowNext = 5500 // days after ref a due date may lie
)

// ParseBoleto validates a boleto barcode (44 digits) or typed line (47
// digits), masked or not: the three field check digits of a line, the
// general check digit (module 11, never 0), and the currency code 9. It
// does not decode the due date, which needs a reference date: see
// Boleto.DueDate, or use DecodeBarcode.
func ParseBoleto(code string) (Boleto, error) {
	n, err := paymentDigits(code)
	if err != nil {
		return Boleto{}, err
	}
	switch len(n) {
	case barcodeLen, boletoLineLen:
	case arrecadacaoLineLen:
		return Boleto{}, barcodeErr(ReasonLength,
			"a boleto has 44 digits (barcode) or 47 (typed line), got 48: that is the length of a utility/tax line")
	default:
		return Boleto{}, barcodeErr(ReasonLength, "a boleto has 44 digits (barcode) or 47 (typed line), got %d", len(n))
	}
	return parseBoletoDigits(n)
}

// parseBoletoDigits validates n, 44 or 47 ASCII digits.
func parseBoletoDigits(n string) (Boleto, error) {
	var bc, line string
	if len(n) == boletoLineLen {
		// Fields 1-3: 9, 10 and 10 digits, each followed by its DV.
		for i, f := range [...][2]int{{0, 9}, {10, 20}, {21, 31}} {
			if want := mod10DV(n[f[0]:f[1]]); int(n[f[1]]-'0') != want {
				return Boleto{}, barcodeErr(fieldDVReasons[i],
					"typed line field %d check digit should be %d, got %c: check the digits of field %d", i+1, want, n[f[1]], i+1)
			}
		}
		line = n
		bc = n[0:4] + n[32:33] + n[33:47] + n[4:9] + n[10:20] + n[21:31]
	} else {
		bc = n
	}
	// Checked after the field DVs: a typo in the first digit of a line is
	// better reported as such.
	if bc[0] == '8' {
		return Boleto{}, barcodeErr(ReasonNotBoleto,
			"a code starting with 8 is an arrecadação (utility/tax) code, not a boleto")
	}
	if want := boletoDV(bc[:4] + bc[5:]); int(bc[4]-'0') != want {
		where := "barcode position 5"
		if line != "" {
			where = "typed line field 4"
		}
		return Boleto{}, barcodeErr(ReasonGeneralDV,
			"boleto general check digit (%s) should be %d, got %c: a digit is wrong", where, want, bc[4])
	}
	if bc[3] != '9' {
		return Boleto{}, barcodeErr(ReasonCurrency, "boleto currency code must be 9 (real), got %c", bc[3])
	}
	if line == "" {
		line = boletoLine(bc)
	}
	return Boleto{
		Barcode:     bc,
		Line:        line,
		BankCode:    bc[0:3],
		DueFactor:   int(digitsValue(bc[5:9])),
		AmountCents: digitsValue(bc[9:19]),
		FreeField:   bc[19:44],
	}, nil
}

// boletoDV is the general DV of a boleto over the other 43 digits: module
// 11, d = 11 - sum mod 11, and 1 when d is 0, 10 or 11, so a DV of 0 is
// never issued.
func boletoDV(s string) int {
	d := 11 - mod11Sum(s)%11
	if d == 0 || d >= 10 {
		return 1
	}
	return d
}

// boletoLine builds the typed line of a valid barcode.
func boletoLine(bc string) string {
	f1 := bc[0:4] + bc[19:24]
	f2 := bc[24:34]
	f3 := bc[34:44]
	return f1 + digitChar(mod10DV(f1)) +
		f2 + digitChar(mod10DV(f2)) +
		f3 + digitChar(mod10DV(f3)) +
		bc[4:5] + bc[5:19]
}

func digitChar(d int) string { return string(rune('0' + d)) }

// FormattedLine returns the typed line as printed on the slip:
// "AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE".
func (b Boleto) FormattedLine() string {
	l := b.Line
	if len(l) != boletoLineLen {
		return l
	}
	return l[0:5] + "." + l[5:10] + " " + l[10:15] + "." + l[15:21] + " " +
		l[21:26] + "." + l[26:32] + " " + l[32:33] + " " + l[33:47]
}

// DueDate decodes the due-date factor against the reference date ref (the
// processing date, normally today in Brasília). It returns the zero Date
// and no error for factor 0000 (no due date). Otherwise the factor f
// names the days factorEpoch + f + 9000k, and the answer is the one inside
// [ref-3000, ref+5500] days (FEBRABAN's acceptance window); when none is,
// as happens for 500 of every 9000 reference dates, or when f < 1000,
// which is never issued, the code is refused with ReasonDueDate.
func (b Boleto) DueDate(ref Date) (Date, error) {
	return dueDateFromFactor(b.DueFactor, ref)
}

func dueDateFromFactor(f int, ref Date) (Date, error) {
	switch {
	case f == 0:
		return Date{}, nil
	case f < factorMin || f >= factorMin+factorCycle:
		return Date{}, barcodeErr(ReasonDueDate, "boleto due-date factor %04d is not valid (1000-9999, or 0000 for none)", f)
	}
	lo := ref.AddDays(-factorWindowPast)
	d := factorEpoch.AddDays(f)
	if gap := lo.Sub(d); gap > 0 {
		d = d.AddDays((gap + factorCycle - 1) / factorCycle * factorCycle)
	}
	if d.After(ref.AddDays(factorWindowNext)) {
		return Date{}, barcodeErr(ReasonDueDate,
			"boleto due-date factor %04d gives no date between %s and %s: the boleto is too old or too far ahead to be paid on %s",
			f, lo, ref.AddDays(factorWindowNext), ref)
	}
	return d, nil
}

// inFactorWindow reports whether d lies in FEBRABAN's acceptance window
// [ref-3000, ref+5500] days.
func inFactorWindow(d, ref Date) bool {
	return !d.Before(ref.AddDays(-factorWindowPast)) && !d.After(ref.AddDays(factorWindowNext))
}

// DueDateFactor returns the FEBRABAN due-date factor of d: days since
// 1997-10-07, restarting at 1000 after 9999 (2025-02-22 is 1000 again,
// and so is 2049-10-14). Dates before 2000-07-03 (factor 1000 of the first
// cycle) have no factor.
func DueDateFactor(d Date) (int, bool) {
	days := d.Sub(factorEpoch)
	if days < factorMin {
		return 0, false
	}
	return (days-factorMin)%factorCycle + factorMin, true
}
