package money_test

import (
	"errors"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/money"
)

// amountSyntax is the grammar Parse documents, after surrounding white space is trimmed.
var amountSyntax = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,2})?$`)

// FuzzParse: Parse accepts exactly the documented grammar; an accepted amount is the exact
// value of the decimal in centavos (checked with math/big), never wrapped around int64; an amount
// beyond int64 centavos is ErrRange, any other refusal ErrSyntax; and String prints every Cents
// in a form Parse reads back to the same value (math.MinInt64 aside, which Parse refuses as out
// of range: no amount comes near it).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0", "0.00", "1", "1.5", "1.05", "1234.56", "-10.00", " 7.10\n", "-0", "00012.30",
		"92233720368547758.07", "92233720368547758.08", "-92233720368547758.07", "-92233720368547758.08",
		"99999999999999999999", "30000000000.00", "", "1.234", "1,00", "1e3", ".5", "1.", "abc", "--1",
		"+1", "1 000.00", "١٢٣", "0x10", "1.0\x00", "\u00a012.00",
	} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MaxInt64))
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(-5))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		c, err := money.Parse(s)
		trimmed := strings.TrimSpace(s)
		if !amountSyntax.MatchString(trimmed) {
			if !errors.Is(err, money.ErrSyntax) || c != 0 {
				t.Fatalf("Parse(%q) = %v, %v; want ErrSyntax", s, c, err)
			}
		} else {
			exact, ok := new(big.Rat).SetString(trimmed)
			if !ok {
				t.Fatalf("math/big cannot read %q", trimmed)
			}
			cents := new(big.Rat).Mul(exact, big.NewRat(100, 1))
			fits := cents.IsInt() && cents.Num().IsInt64() && cents.Num().Int64() != math.MinInt64
			switch {
			case !cents.IsInt():
				t.Fatalf("%q has at most two decimals but is not whole centavos: %s", s, cents)
			case fits && (err != nil || int64(c) != cents.Num().Int64()):
				t.Fatalf("Parse(%q) = %d, %v; the amount is %s centavos", s, c, err, cents.Num())
			case !fits && (!errors.Is(err, money.ErrRange) || c != 0):
				t.Fatalf("Parse(%q) = %d, %v; %s centavos is out of range", s, c, err, cents.Num())
			}
		}
		if err == nil {
			if back, err := money.Parse(c.String()); err != nil || back != c {
				t.Fatalf("Parse(%q) = %d printed %q, which parses to %d, %v", s, c, c.String(), back, err)
			}
		}

		// Any int64 prints as -?digits.dd and, MinInt64 aside, parses back to itself.
		p := money.Cents(n).String()
		if !amountSyntax.MatchString(p) || !strings.Contains(p, ".") || len(p)-strings.IndexByte(p, '.') != 3 {
			t.Fatalf("Cents(%d).String() = %q", n, p)
		}
		back, err := money.Parse(p)
		switch {
		case n == math.MinInt64:
			if !errors.Is(err, money.ErrRange) {
				t.Fatalf("Parse(%q) = %d, %v; want ErrRange", p, back, err)
			}
		case err != nil || int64(back) != n:
			t.Fatalf("Cents(%d) printed %q parses to %d, %v", n, p, back, err)
		}
	})
}
