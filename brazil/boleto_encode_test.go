package brazil_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

// TestEncodeBoletoReproducesTheVectors: encoding each valid vector's bank, due date, amount and
// free field gives back its barcode and typed line, digit for digit.
func TestEncodeBoletoReproducesTheVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Boleto struct {
			Valid []struct {
				Barcode     string `json:"barcode"`
				TypedLine   string `json:"typed_line"`
				DueDate     string `json:"due_date"`
				AmountCents int64  `json:"amount_cents"`
			} `json:"valid"`
		} `json:"boleto"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Boleto.Valid) == 0 {
		t.Fatal("no boleto vectors")
	}
	for _, c := range v.Boleto.Valid {
		due, err := brazil.ParseDate(c.DueDate)
		if err != nil {
			t.Fatal(err)
		}
		b, err := brazil.EncodeBoleto(c.Barcode[0:3], due, c.AmountCents, c.Barcode[19:44])
		if err != nil {
			t.Fatal(err)
		}
		if b.Barcode != c.Barcode || b.Line != c.TypedLine {
			t.Errorf("%s: got %s / %s, want %s / %s", c.DueDate, b.Barcode, b.Line, c.Barcode, c.TypedLine)
		}
	}
}

// TestEncodeBoletoDecodesBack is the property: random amounts and due dates on both sides of the
// 22/02/2025 factor reset encode to codes that DecodeBarcode reads back (barcode and typed line)
// to the same bank, amount and due date, at a reference date inside FEBRABAN's window.
func TestEncodeBoletoDecodesBack(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2025))
	reset := brazil.NewDate(2025, time.February, 22)
	for i := 0; i < 2000; i++ {
		due := reset.AddDays(r.IntN(1200) - 600) // 2023 to 2026
		amount := 1 + r.Int64N(9_999_999_999)
		free := ""
		for range 25 {
			free += string(rune('0' + r.IntN(10)))
		}
		b, err := brazil.EncodeBoleto("197", due, amount, free)
		if err != nil {
			t.Fatal(err)
		}
		ref := due.AddDays(r.IntN(200) - 100).Time()
		for _, code := range []string{b.Barcode, b.Line, b.FormattedLine()} {
			got, err := brazil.DecodeBarcode(code, ref)
			if err != nil {
				t.Fatalf("%s due %s amount %d: %v", code, due, amount, err)
			}
			if got.BankCode != "197" || got.AmountCents != amount || got.DueDate == nil || *got.DueDate != due || got.Barcode != b.Barcode {
				t.Fatalf("%s decoded to bank %s amount %d due %v, want 197 %d %s", code, got.BankCode, got.AmountCents, got.DueDate, amount, due)
			}
		}
	}
}
