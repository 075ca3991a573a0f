package money_test

import (
	"errors"
	"math"
	"testing"

	"github.com/ponte-bff/ponte/money"
)

func TestParse(t *testing.T) {
	ok := map[string]money.Cents{
		"0": 0, "0.00": 0, "1": 100, "1.5": 150, "1.05": 105, "1234.56": 123456, "-10.00": -1000,
		"92233720368547758.07": math.MaxInt64, "30000000000.00": 3_000_000_000_000, // far above 2^31 cents
	}
	for in, want := range ok {
		got, err := money.Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]error{
		"": money.ErrSyntax, "1.234": money.ErrSyntax, "1,00": money.ErrSyntax, "1e3": money.ErrSyntax,
		".5": money.ErrSyntax, "1.": money.ErrSyntax, "abc": money.ErrSyntax, "--1": money.ErrSyntax,
		"92233720368547758.08": money.ErrRange, "99999999999999999999": money.ErrRange,
	}
	for in, want := range bad {
		if _, err := money.Parse(in); !errors.Is(err, want) {
			t.Errorf("Parse(%q) error = %v; want %v", in, err, want)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, c := range []money.Cents{0, 1, 10, 99, 100, 123456, -5, -123456, math.MaxInt64, math.MinInt64 + 1} {
		back, err := money.Parse(c.String())
		if err != nil || back != c {
			t.Errorf("round trip of %d via %q = %v, %v", c, c.String(), back, err)
		}
	}
	if got := money.Cents(-5).String(); got != "-0.05" {
		t.Errorf("String(-5) = %q", got)
	}
}
