package receipts_test

import (
	"math"
	"testing"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/money"
)

func TestFormatBRLUsesBrazilianSeparators(t *testing.T) {
	for _, c := range []struct {
		in   money.Cents
		want string
	}{
		{0, "R$ 0,00"},
		{1, "R$ 0,01"},
		{10, "R$ 0,10"},
		{100, "R$ 1,00"},
		{99999, "R$ 999,99"},
		{100000, "R$ 1.000,00"},
		{123456, "R$ 1.234,56"},
		{100000000000, "R$ 1.000.000.000,00"},
		{-5, "-R$ 0,05"},
		{-123456, "-R$ 1.234,56"},
		{math.MaxInt64, "R$ 92.233.720.368.547.758,07"},
		{math.MinInt64, "-R$ 92.233.720.368.547.758,08"},
	} {
		if got := receipts.FormatBRL(c.in); got != c.want {
			t.Errorf("FormatBRL(%d) = %q, want %q", int64(c.in), got, c.want)
		}
	}
}
