package brazil_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

// FuzzDecodeBarcode: no input panics; every error is a *BarcodeError with a known reason; every
// accepted code has check digits that verify (recomputed here, not by the package), an amount
// read exactly from its digits, a due date inside FEBRABAN's window around the reference date,
// decodes to the same result from its barcode, typed line and formatted line, and agrees with
// ParseBoleto or ParseArrecadacao. refDays moves the reference date around genDate (±80 years).
func FuzzDecodeBarcode(f *testing.F) {
	v := loadPaymentVectors(f)
	for _, c := range v.Boleto.Valid {
		f.Add(c.Barcode, 0)
		f.Add(c.TypedLine, 0)
		f.Add(c.TypedLineFormatted, -4000)
	}
	for _, c := range v.Boleto.Edge {
		f.Add(c.Barcode, 0)
		f.Add(c.TypedLine, 3000)
	}
	for _, c := range v.Arrecadacao.Valid {
		f.Add(c.Barcode, 0)
		f.Add(c.TypedLine, 0)
		f.Add(c.TypedLineFormatted, 0)
	}
	for _, set := range [][]invalidCodeVector{v.Boleto.Invalid, v.Arrecadacao.Invalid} {
		for _, c := range set {
			f.Add(c.Input, 0)
		}
	}
	for _, c := range v.Published {
		f.Add(c.Value, -4000)
	}
	for _, s := range []string{"", "8", "\xff\xfe", "0000 0000", "8\u00a04"} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, code string, refDays int) {
		ref := brazil.DateOf(genDate).AddDays(refDays % (80 * 366))
		got, err := brazil.DecodeBarcode(code, ref.Time())
		boleto, boletoErr := brazil.ParseBoleto(code)
		arrec, arrecErr := brazil.ParseArrecadacao(code)
		for _, e := range []error{err, boletoErr, arrecErr} {
			if e != nil {
				if r := barcodeReason(e); !knownBarcodeReasons[r] {
					t.Fatalf("%q: error %#v has no known reason", code, e)
				}
			}
		}
		if boletoErr == nil && arrecErr == nil {
			t.Fatalf("%q is both a boleto and an arrecadação code", code)
		}
		if err != nil {
			if got.Boleto != nil || got.Arrecadacao != nil || got.Barcode != "" {
				t.Fatalf("%q: error %v with a result %+v", code, err, got)
			}
			if boletoErr == nil && barcodeReason(err) != brazil.ReasonDueDate {
				t.Fatalf("%q: a valid boleto for ParseBoleto, refused by DecodeBarcode: %v", code, err)
			}
			if arrecErr == nil {
				t.Fatalf("%q: a valid arrecadação code for ParseArrecadacao, refused by DecodeBarcode: %v", code, err)
			}
			return
		}
		if !allDigits(got.Barcode, 44) {
			t.Fatalf("%q: barcode %q is not 44 digits", code, got.Barcode)
		}
		switch got.Kind {
		case brazil.BarcodeBoleto:
			if boletoErr != nil || got.Boleto == nil || got.Arrecadacao != nil || *got.Boleto != boleto {
				t.Fatalf("%q: decoded %+v, ParseBoleto gives %+v, %v", code, got, boleto, boletoErr)
			}
			checkBoleto(t, code, got, ref)
		case brazil.BarcodeArrecadacao:
			if arrecErr != nil || got.Arrecadacao == nil || got.Boleto != nil || *got.Arrecadacao != arrec {
				t.Fatalf("%q: decoded %+v, ParseArrecadacao gives %+v, %v", code, got, arrec, arrecErr)
			}
			checkArrecadacao(t, code, got, ref)
		default:
			t.Fatalf("%q: kind %q", code, got.Kind)
		}
		for _, again := range []string{got.Barcode, got.Line, got.FormattedLine()} {
			other, err := brazil.DecodeBarcode(again, ref.Time())
			if err != nil {
				t.Fatalf("%q accepted but %q refused: %v", code, again, err)
			}
			if !sameBarcode(got, other) {
				t.Fatalf("%q and %q decode differently:\n%+v\n%+v", code, again, got, other)
			}
		}
	})
}

func checkBoleto(t *testing.T, code string, got brazil.Barcode, ref brazil.Date) {
	t.Helper()
	bc, line := got.Barcode, got.Line
	if bc[0] == '8' || bc[3] != '9' {
		t.Fatalf("%q: boleto barcode %q starts with 8 or has currency %c", code, bc, bc[3])
	}
	if want := febrabanMod11(bc[:4]+bc[5:], 1); bc[4] != want {
		t.Fatalf("%q: general check digit of %q is %c, want %c", code, bc, bc[4], want)
	}
	f1, f2, f3 := bc[0:4]+bc[19:24], bc[24:34], bc[34:44]
	if want := f1 + string(febrabanMod10(f1)) + f2 + string(febrabanMod10(f2)) + f3 + string(febrabanMod10(f3)) + bc[4:19]; line != want {
		t.Fatalf("%q: typed line %q, want %q from barcode %q", code, line, want, bc)
	}
	amount, _ := strconv.ParseInt(bc[9:19], 10, 64)
	if got.AmountCents != amount || got.HasAmount != (amount > 0) || got.BankCode != bc[:3] || got.Segment != 0 {
		t.Fatalf("%q: decoded %+v from barcode %q", code, got, bc)
	}
	factor, _ := strconv.Atoi(bc[5:9])
	switch {
	case factor == 0 && got.DueDate != nil:
		t.Fatalf("%q: factor 0000 with due date %s", code, got.DueDate)
	case factor != 0 && got.DueDate == nil:
		t.Fatalf("%q: factor %04d without a due date", code, factor)
	case factor != 0:
		checkWindow(t, code, *got.DueDate, ref)
		if f, ok := brazil.DueDateFactor(*got.DueDate); !ok || f != factor {
			t.Fatalf("%q: due date %s has factor %d (%v), the code says %04d", code, got.DueDate, f, ok, factor)
		}
	}
}

func checkArrecadacao(t *testing.T, code string, got brazil.Barcode, ref brazil.Date) {
	t.Helper()
	bc, line, a := got.Barcode, got.Line, got.Arrecadacao
	if bc[0] != '8' || bc[1] == '0' || bc[1] == '8' || bc[2] < '6' {
		t.Fatalf("%q: arrecadação barcode %q has a bad product, segment or value id", code, bc)
	}
	dv := febrabanMod10
	if bc[2] >= '8' {
		dv = func(s string) byte { return febrabanMod11(s, 0) }
	}
	if want := dv(bc[:3] + bc[4:]); bc[3] != want {
		t.Fatalf("%q: general check digit of %q is %c, want %c", code, bc, bc[3], want)
	}
	var want strings.Builder
	for i := range 4 {
		want.WriteString(bc[i*11 : i*11+11])
		want.WriteByte(dv(bc[i*11 : i*11+11]))
	}
	if !allDigits(line, 48) || line != want.String() {
		t.Fatalf("%q: typed line %q, want %q", code, line, want.String())
	}
	value, _ := strconv.ParseInt(bc[4:15], 10, 64)
	money := bc[2] == '6' || bc[2] == '8'
	if a.Value != bc[4:15] || a.HasAmount != money || (money && a.AmountCents != value) || (!money && a.AmountCents != 0) {
		t.Fatalf("%q: decoded %+v from barcode %q", code, a, bc)
	}
	if got.AmountCents != a.AmountCents || got.HasAmount != (money && value > 0) || got.Segment != int(bc[1]-'0') || got.BankCode != "" {
		t.Fatalf("%q: decoded %+v from barcode %q", code, got, bc)
	}
	if d, ok := a.FreeFieldDate(); ok && brazil.NewDate(d.Year, d.Month, d.Day) != d {
		t.Fatalf("%q: free-field date %+v is not a calendar date", code, d)
	}
	if got.DueDate != nil {
		checkWindow(t, code, *got.DueDate, ref)
		if d, ok := a.FreeFieldDate(); !ok || d != *got.DueDate {
			t.Fatalf("%q: due date %s is not the free field's date", code, got.DueDate)
		}
	}
}

// checkWindow: a due date lies in [ref-3000, ref+5500] days.
func checkWindow(t *testing.T, code string, due, ref brazil.Date) {
	t.Helper()
	if n := due.Sub(ref); n < -3000 || n > 5500 {
		t.Fatalf("%q: due date %s is %d days from the reference date %s", code, due, n, ref)
	}
}

// febrabanMod10 is module 10 as FEBRABAN prints it: weights 2,1,2,1 from the right, the digits
// of each product summed.
func febrabanMod10(s string) byte {
	sum := 0
	for i := range len(s) {
		p := int(s[len(s)-1-i]-'0') * (2 - i%2)
		sum += p/10 + p%10
	}
	return byte('0' + (10-sum%10)%10)
}

// febrabanMod11 is module 11 with weights 2..9 from the right; the results 0, 10 and 11 (boleto)
// or remainders 0 and 1 (arrecadação) give low, the digit each layout uses instead.
func febrabanMod11(s string, low int) byte {
	sum := 0
	for i := range len(s) {
		sum += int(s[len(s)-1-i]-'0') * (2 + i%8)
	}
	if d := 11 - sum%11; d >= 1 && d <= 9 {
		return byte('0' + d)
	}
	return byte('0' + low)
}

func allDigits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}

// sameBarcode compares decoded codes by value (the detail pointers differ).
func sameBarcode(a, b brazil.Barcode) bool {
	if (a.DueDate == nil) != (b.DueDate == nil) || (a.DueDate != nil && *a.DueDate != *b.DueDate) {
		return false
	}
	if (a.Boleto == nil) != (b.Boleto == nil) || (a.Boleto != nil && *a.Boleto != *b.Boleto) {
		return false
	}
	if (a.Arrecadacao == nil) != (b.Arrecadacao == nil) || (a.Arrecadacao != nil && *a.Arrecadacao != *b.Arrecadacao) {
		return false
	}
	a.DueDate, a.Boleto, a.Arrecadacao = nil, nil, nil
	b.DueDate, b.Boleto, b.Arrecadacao = nil, nil, nil
	return a == b
}
