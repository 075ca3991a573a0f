package brazil

import "time"

// Arrecadacao is a validated arrecadação/convênio code (FEBRABAN "Layout
// Padrão de Arrecadação/Recebimento" v7): utility bills, taxes, fines.
// Barcode positions (1-based): 1 product "8", 2 segment, 3 value id,
// 4 general DV, 5-15 value, 16-19 company/agency code (16-23 CNPJ root in
// segment 6), then the free field.
type Arrecadacao struct {
	Barcode string // 44 digits
	Line    string // typed line, 48 digits (4 blocks of 11 + DV), unmasked
	Segment int    // 1-7 or 9, see SegmentName
	ValueID int    // 6 or 8: amount in BRL; 7 or 9: reference quantity. 6/7 use module 10, 8/9 module 11
	Value   string // positions 5-15 as printed, 11 digits

	// AmountCents is Value in centavos when HasAmount (value id 6 or 8);
	// otherwise Value is a quantity or index, not money, and the amount is
	// computed by the biller.
	AmountCents int64
	HasAmount   bool

	CompanyCode string // FEBRABAN company/agency code, 4 digits (segment 9: the bank's COMPE code); empty in segment 6
	CNPJRoot    string // segment 6 only: the biller's 8-digit CNPJ root
	FreeField   string // 25 digits (21 in segment 6), biller-specific
}

// ParseArrecadacao validates an arrecadação barcode (44 digits) or typed
// line (48 digits), masked or not: product 8, value id, the four block
// check digits of a line, the general check digit and the segment.
func ParseArrecadacao(code string) (Arrecadacao, error) {
	n, err := paymentDigits(code)
	if err != nil {
		return Arrecadacao{}, err
	}
	if len(n) != barcodeLen && len(n) != arrecadacaoLineLen {
		return Arrecadacao{}, barcodeErr(ReasonLength,
			"an arrecadação (utility/tax) code has 44 digits (barcode) or 48 (typed line), got %d", len(n))
	}
	return parseArrecadacaoDigits(n)
}

// parseArrecadacaoDigits validates n, 44 or 48 ASCII digits.
func parseArrecadacaoDigits(n string) (Arrecadacao, error) {
	if n[0] != '8' {
		return Arrecadacao{}, barcodeErr(ReasonNotArrecadacao,
			"an arrecadação (utility/tax) code starts with 8, got %c", n[0])
	}
	valueID := int(n[2] - '0')
	if valueID < 6 {
		return Arrecadacao{}, barcodeErr(ReasonValueID,
			"arrecadação value id (3rd digit) must be 6, 7, 8 or 9, got %d", valueID)
	}
	dv := arrecadacaoDV(valueID)
	bc := n
	if len(n) == arrecadacaoLineLen {
		var b []byte
		for i := range 4 {
			block := n[i*12 : i*12+11]
			if want := dv(block); int(n[i*12+11]-'0') != want {
				return Arrecadacao{}, barcodeErr(blockDVReasons[i],
					"typed line block %d check digit should be %d, got %c: check the digits of block %d", i+1, want, n[i*12+11], i+1)
			}
			b = append(b, block...)
		}
		bc = string(b)
	}
	if want := dv(bc[:3] + bc[4:]); int(bc[3]-'0') != want {
		return Arrecadacao{}, barcodeErr(ReasonGeneralDV,
			"arrecadação general check digit (4th digit) should be %d, got %c: a digit is wrong", want, bc[3])
	}
	segment := int(bc[1] - '0')
	if segment == 0 || segment == 8 {
		return Arrecadacao{}, barcodeErr(ReasonSegment,
			"arrecadação segment (2nd digit) %d does not exist: valid segments are 1-7 and 9", segment)
	}
	a := Arrecadacao{
		Barcode:   bc,
		Line:      arrecadacaoLine(bc, dv),
		Segment:   segment,
		ValueID:   valueID,
		Value:     bc[4:15],
		HasAmount: valueID == 6 || valueID == 8,
	}
	if a.HasAmount {
		a.AmountCents = digitsValue(a.Value)
	}
	if segment == 6 {
		a.CNPJRoot, a.FreeField = bc[15:23], bc[23:44]
	} else {
		a.CompanyCode, a.FreeField = bc[15:19], bc[19:44]
	}
	return a, nil
}

// arrecadacaoDV returns the check-digit module for a value id: module 10
// for 6 and 7, module 11 for 8 and 9.
func arrecadacaoDV(valueID int) func(string) int {
	if valueID <= 7 {
		return mod10DV
	}
	return arrecadacaoMod11DV
}

// arrecadacaoMod11DV is the arrecadação module 11: DV = 11 - sum mod 11,
// but 0 when the remainder is 0 or 1 (unlike the boleto rule, which gives
// 1).
func arrecadacaoMod11DV(s string) int {
	r := mod11Sum(s) % 11
	if r <= 1 {
		return 0
	}
	return 11 - r
}

func arrecadacaoLine(bc string, dv func(string) int) string {
	b := make([]byte, 0, arrecadacaoLineLen)
	for i := range 4 {
		block := bc[i*11 : i*11+11]
		b = append(b, block...)
		b = append(b, byte('0'+dv(block)))
	}
	return string(b)
}

// FormattedLine returns the typed line as printed:
// "NNNNNNNNNNN-D NNNNNNNNNNN-D NNNNNNNNNNN-D NNNNNNNNNNN-D".
func (a Arrecadacao) FormattedLine() string {
	l := a.Line
	if len(l) != arrecadacaoLineLen {
		return l
	}
	out := make([]byte, 0, arrecadacaoLineLen+7)
	for i := range 4 {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, l[i*12:i*12+11]...)
		out = append(out, '-', l[i*12+11])
	}
	return string(out)
}

// DVModule returns 10 or 11, the check-digit module the value id selects.
func (a Arrecadacao) DVModule() int {
	if a.ValueID <= 7 {
		return 10
	}
	return 11
}

// SegmentName returns the FEBRABAN name of the segment, in Portuguese.
func (a Arrecadacao) SegmentName() string {
	switch a.Segment {
	case 1:
		return "Prefeituras"
	case 2:
		return "Saneamento"
	case 3:
		return "Energia elétrica e gás"
	case 4:
		return "Telecomunicações"
	case 5:
		return "Órgãos governamentais"
	case 6:
		return "Carnês e assemelhados / empresas identificadas pelo CNPJ"
	case 7:
		return "Multas de trânsito"
	case 9:
		return "Uso exclusivo do banco"
	}
	return ""
}

// FreeFieldDate reads the first 8 digits of the free field as YYYYMMDD,
// where FEBRABAN layout v7 §G puts a due date when the biller includes
// one. Nothing in the code says whether it does, so ok only means the
// digits form a real calendar date: treat the result as a hint (Barcode's
// DueDate additionally requires it to be near the reference date).
func (a Arrecadacao) FreeFieldDate() (Date, bool) {
	if len(a.FreeField) < 8 {
		return Date{}, false
	}
	y := int(digitsValue(a.FreeField[0:4]))
	m := time.Month(digitsValue(a.FreeField[4:6]))
	d := int(digitsValue(a.FreeField[6:8]))
	if y < 1 || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, false
	}
	return Date{Year: y, Month: m, Day: d}, true
}

func daysIn(y int, m time.Month) int {
	return NewDate(y, m+1, 0).Day // day 0 of the next month is the last of m
}
