package brazil_test

import (
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

func TestParseBoletoVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Boleto.Valid {
		t.Run(c.DueDate, func(t *testing.T) {
			var first brazil.Boleto
			for i, in := range []string{c.Barcode, c.TypedLine, c.TypedLineFormatted} {
				b, err := brazil.ParseBoleto(in)
				if err != nil {
					t.Fatalf("%s: %v", in, err)
				}
				if i == 0 {
					first = b
				} else if b != first {
					t.Errorf("%s parses to %+v, barcode to %+v", in, b, first)
				}
			}
			b := first
			if b.Barcode != c.Barcode || b.Line != c.TypedLine || b.BankCode != c.BankCode ||
				b.DueFactor != c.DueFactor || b.AmountCents != c.AmountCents || b.FreeField != c.FreeField {
				t.Errorf("parsed %+v, want %+v", b, c)
			}
			if got := int(b.Barcode[4] - '0'); got != c.GeneralDV || c.CurrencyCode != "9" {
				t.Errorf("general DV %d, want %d", got, c.GeneralDV)
			}
			if b.FormattedLine() != c.TypedLineFormatted {
				t.Errorf("FormattedLine %q, want %q", b.FormattedLine(), c.TypedLineFormatted)
			}
			if _, ok := brazil.BankByCode(b.BankCode); !ok {
				t.Errorf("bank %s (%s) missing from the STR list", b.BankCode, c.BankName)
			}

			// The due date holds over the whole valid_ref_range, and one day
			// outside it the factor cannot be placed at all.
			lo, hi := mustDate(t, c.ValidRefRange[0]), mustDate(t, c.ValidRefRange[1])
			for _, ref := range []brazil.Date{lo, lo.AddDays(1), lo.AddDays(hi.Sub(lo) / 2), hi.AddDays(-1), hi} {
				due, err := b.DueDate(ref)
				if err != nil || due.String() != c.DueDate {
					t.Errorf("ref %s: due %s, %v; want %s", ref, due, err, c.DueDate)
				}
			}
			for _, ref := range []brazil.Date{lo.AddDays(-1), hi.AddDays(1)} {
				if due, err := b.DueDate(ref); barcodeReason(err) != brazil.ReasonDueDate {
					t.Errorf("ref %s: due %s, %v; want refusal %s", ref, due, err, brazil.ReasonDueDate)
				}
				if _, err := brazil.DecodeBarcode(c.Barcode, ref.Time()); barcodeReason(err) != brazil.ReasonDueDate {
					t.Errorf("DecodeBarcode ref %s: %v, want %s", ref, err, brazil.ReasonDueDate)
				}
			}

			// Encoding the due date gives the factor back.
			if f, ok := brazil.DueDateFactor(mustDate(t, c.DueDate)); !ok || f != c.DueFactor {
				t.Errorf("DueDateFactor(%s) = %d, %v; want %d", c.DueDate, f, ok, c.DueFactor)
			}
		})
	}
}

func TestBoletoEdgeVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Boleto.Edge {
		b, err := brazil.ParseBoleto(c.Barcode)
		if err != nil {
			t.Fatalf("%s (%s): %v", c.Barcode, c.Note, err)
		}
		if b.Line != c.TypedLine || b.DueFactor != c.DueFactor {
			t.Errorf("%s: line %s factor %d, want %s %d", c.Barcode, b.Line, b.DueFactor, c.TypedLine, c.DueFactor)
		}
		if c.TypedLineFormatted != "" && b.FormattedLine() != c.TypedLineFormatted {
			t.Errorf("%s: FormattedLine %q, want %q", c.Barcode, b.FormattedLine(), c.TypedLineFormatted)
		}
		if c.AmountCents != nil && b.AmountCents != *c.AmountCents {
			t.Errorf("%s: amount %d, want %d", c.Barcode, b.AmountCents, *c.AmountCents)
		}
		if c.Decode == nil { // factor 0000: no due date whatever the reference
			if c.DueDate != nil {
				t.Fatalf("%s: edge vector with a due date but no decode list", c.Barcode)
			}
			for _, ref := range []time.Time{genDate, publishedRef2015, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)} {
				got, err := brazil.DecodeBarcode(c.TypedLine, ref)
				if err != nil || got.DueDate != nil || got.HasAmount || got.AmountCents != 0 {
					t.Errorf("%s ref %s: %+v, %v; want no due date and no amount", c.TypedLine, ref.Format(time.DateOnly), got, err)
				}
			}
			continue
		}
		for _, d := range c.Decode {
			ref := mustDate(t, d.Ref)
			got, err := brazil.DecodeBarcode(c.Barcode, ref.Time())
			if d.DueDate == nil {
				if barcodeReason(err) != brazil.ReasonDueDate {
					t.Errorf("%s ref %s: %+v, %v; want refusal %s", c.Barcode, d.Ref, got.DueDate, err, brazil.ReasonDueDate)
				}
				continue
			}
			if err != nil || got.DueDate == nil || got.DueDate.String() != *d.DueDate {
				t.Errorf("%s ref %s: %v, %v; want %s", c.Barcode, d.Ref, got.DueDate, err, *d.DueDate)
			}
		}
	}
}

func TestParseBoletoInvalidVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Boleto.Invalid {
		if _, err := brazil.ParseBoleto(c.Input); barcodeReason(err) != c.ExpectedReason {
			t.Errorf("%s (%s): %v, want reason %s", c.Input, c.Why, err, c.ExpectedReason)
		}
	}
}

// TestBoletoLineCatchesEverySingleDigitError: module 10 on fields 1-3
// detects any single wrong digit there (their DVs included), with the
// field's own reason.
func TestBoletoLineCatchesEverySingleDigitError(t *testing.T) {
	v := loadPaymentVectors(t)
	fields := []struct {
		from, to int // 0-based, DV included
		reason   string
	}{{0, 10, brazil.ReasonFieldDV1}, {10, 21, brazil.ReasonFieldDV2}, {21, 32, brazil.ReasonFieldDV3}}
	for _, c := range v.Boleto.Valid {
		for _, f := range fields {
			for i := f.from; i < f.to; i++ {
				for d := byte('0'); d <= '9'; d++ {
					if c.TypedLine[i] == d {
						continue
					}
					bad := c.TypedLine[:i] + string(d) + c.TypedLine[i+1:]
					if _, err := brazil.ParseBoleto(bad); barcodeReason(err) != f.reason {
						t.Fatalf("%s (digit %d -> %c): %v, want %s", bad, i+1, d, err, f.reason)
					}
				}
			}
		}
	}
}

func TestDueDateFactorCycles(t *testing.T) {
	cases := []struct {
		date   string
		factor int
		ok     bool
	}{
		{"2000-07-02", 0, false},
		{"2000-07-03", 1000, true},
		{"2025-02-21", 9999, true},
		{"2025-02-22", 1000, true}, // reset (BB Doc5175 annex IV)
		{"2025-02-23", 1001, true},
		{"2049-10-13", 9999, true},
		{"2049-10-14", 1000, true}, // next reset
	}
	for _, c := range cases {
		f, ok := brazil.DueDateFactor(mustDate(t, c.date))
		if f != c.factor || ok != c.ok {
			t.Errorf("DueDateFactor(%s) = %d, %v; want %d, %v", c.date, f, ok, c.factor, c.ok)
		}
	}

	// Decoding around the 2049 reset with a reference in 2049.
	ref := mustDate(t, "2049-10-01")
	for _, c := range []struct {
		factor int
		want   string
	}{{9999, "2049-10-13"}, {1000, "2049-10-14"}, {1000 + 5500 - 13, "2064-10-22"}} { // the last: ref + 5500 days
		got, err := brazil.Boleto{DueFactor: c.factor}.DueDate(ref)
		if err != nil || got.String() != c.want {
			t.Errorf("factor %d ref %s: %s, %v; want %s", c.factor, ref, got, err, c.want)
		}
	}
	// Factors 0001-0999 are never issued.
	if _, err := (brazil.Boleto{DueFactor: 999}).DueDate(ref); barcodeReason(err) != brazil.ReasonDueDate {
		t.Errorf("factor 0999: %v, want %s", err, brazil.ReasonDueDate)
	}
}

// TestBoletoDVOneWhenRemainderIsZeroOrOne: the vector forced into the DV=1
// case is accepted with 1 and rejected with 0 (goleto/boleto-utils bugs).
func TestBoletoDVOneWhenRemainderIsZeroOrOne(t *testing.T) {
	const withOne = "03391955100000010005020567372194989252353021"
	if _, err := brazil.ParseBoleto(withOne); err != nil {
		t.Fatal(err)
	}
	withZero := withOne[:4] + "0" + withOne[5:]
	if _, err := brazil.ParseBoleto(withZero); barcodeReason(err) != brazil.ReasonGeneralDV {
		t.Errorf("DV 0: %v, want %s", err, brazil.ReasonGeneralDV)
	}
}
