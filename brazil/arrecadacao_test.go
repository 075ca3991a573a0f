package brazil_test

import (
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

func TestParseArrecadacaoVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	segments := map[int]bool{}
	modules := map[int]bool{}
	for _, c := range v.Arrecadacao.Valid {
		var first brazil.Arrecadacao
		for i, in := range []string{c.Barcode, c.TypedLine, c.TypedLineFormatted} {
			a, err := brazil.ParseArrecadacao(in)
			if err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			if i == 0 {
				first = a
			} else if a != first {
				t.Errorf("%s parses to %+v, barcode to %+v", in, a, first)
			}
		}
		a := first
		if a.Barcode != c.Barcode || a.Line != c.TypedLine {
			t.Errorf("%s: barcode %s line %s, want %s %s", c.Barcode, a.Barcode, a.Line, c.Barcode, c.TypedLine)
		}
		if got := int(a.Barcode[3] - '0'); got != c.GeneralDV {
			t.Errorf("%s: general DV %d, want %d", c.Barcode, got, c.GeneralDV)
		}
		if a.FormattedLine() != c.TypedLineFormatted {
			t.Errorf("%s: FormattedLine %q, want %q", c.Barcode, a.FormattedLine(), c.TypedLineFormatted)
		}
		checkArrecadacaoFields(t, c.Barcode, a, c.arrecadacaoFields)
		segments[a.Segment] = true
		modules[a.DVModule()] = true
	}
	// The vectors are meant to cover segments 1-7 and 9 and both modules.
	for _, s := range []int{1, 2, 3, 4, 5, 6, 7, 9} {
		if !segments[s] {
			t.Errorf("no valid vector for segment %d", s)
		}
	}
	if !modules[10] || !modules[11] {
		t.Errorf("DV modules covered: %v", modules)
	}
}

func TestParseArrecadacaoInvalidVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Arrecadacao.Invalid {
		if _, err := brazil.ParseArrecadacao(c.Input); barcodeReason(err) != c.ExpectedReason {
			t.Errorf("%s (%s): %v, want reason %s", c.Input, c.Why, err, c.ExpectedReason)
		}
	}
}

// TestArrecadacaoMod11Remainders pins the module-11 rule that differs from
// the boleto's: remainder 0 or 1 gives DV 0, remainder 10 gives DV 1.
func TestArrecadacaoMod11Remainders(t *testing.T) {
	for _, c := range []struct{ barcode, note string }{
		{"82810000000873504562026011501119016590143092", "remainder 10 -> DV 1"},
		{"85800000010475000012028022944707803050291308", "remainder 0 or 1 -> DV 0"},
	} {
		if _, err := brazil.ParseArrecadacao(c.barcode); err != nil {
			t.Errorf("%s (%s): %v", c.barcode, c.note, err)
		}
		// Every other DV is wrong.
		for d := byte('0'); d <= '9'; d++ {
			if d == c.barcode[3] {
				continue
			}
			bad := c.barcode[:3] + string(d) + c.barcode[4:]
			if _, err := brazil.ParseArrecadacao(bad); barcodeReason(err) != brazil.ReasonGeneralDV {
				t.Errorf("%s: %v, want %s", bad, err, brazil.ReasonGeneralDV)
			}
		}
	}
}

// TestArrecadacaoMod10LineCatchesEverySingleDigitError: with value id 6 or
// 7 each block's module-10 DV detects any single wrong digit in the block.
func TestArrecadacaoMod10LineCatchesEverySingleDigitError(t *testing.T) {
	v := loadPaymentVectors(t)
	reasons := []string{brazil.ReasonBlockDV1, brazil.ReasonBlockDV2, brazil.ReasonBlockDV3, brazil.ReasonBlockDV4}
	for _, c := range v.Arrecadacao.Valid {
		if c.DVModule != 10 {
			continue
		}
		for i := 0; i < 48; i++ {
			if i == 2 { // the value id selects the module: changing it is another error
				continue
			}
			for d := byte('0'); d <= '9'; d++ {
				if c.TypedLine[i] == d {
					continue
				}
				bad := c.TypedLine[:i] + string(d) + c.TypedLine[i+1:]
				_, err := brazil.ParseArrecadacao(bad)
				want := reasons[i/12]
				if i == 0 {
					want = brazil.ReasonNotArrecadacao
				}
				if barcodeReason(err) != want {
					t.Fatalf("%s (digit %d -> %c): %v, want %s", bad, i+1, d, err, want)
				}
			}
		}
	}
}

func TestArrecadacaoSegmentNames(t *testing.T) {
	for s := 0; s <= 9; s++ {
		name := brazil.Arrecadacao{Segment: s}.SegmentName()
		if (name == "") != (s == 0 || s == 8) {
			t.Errorf("segment %d: name %q", s, name)
		}
	}
}
