// Package money holds amounts as integer centavos. It never uses floating point: every amount is
// parsed from and printed to a decimal string with at most two decimal places.
package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Cents is an amount of Brazilian reais in centavos (R$1,00 = 100).
type Cents int64

// Currency is the only currency Ponte moves.
const Currency = "BRL"

// Money is an amount with its currency, as the GraphQL Money type shows it.
type Money struct {
	Amount   Cents
	Currency string
}

// BRL wraps an amount in reais.
func BRL(c Cents) Money { return Money{Amount: c, Currency: Currency} }

// ErrSyntax reports a string that is not a decimal amount with at most two decimals.
var ErrSyntax = errors.New(`amount must be a decimal string with at most two decimals, like "1234.56"`)

// ErrRange reports an amount too large for int64 centavos.
var ErrRange = errors.New("amount is out of range")

// Parse reads "1234.56", "1234.5", "1234" or "-10.00" into centavos. Thousands separators,
// exponents and more than two decimals are refused rather than rounded: money is never guessed.
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasDot && (len(frac) == 0 || len(frac) > 2 || !digits(frac))) {
		return 0, ErrSyntax
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	if err != nil || w > math.MaxInt64/100 || (w == math.MaxInt64/100 && f > math.MaxInt64%100) {
		return 0, ErrRange
	}
	c := Cents(w*100 + f)
	if neg {
		c = -c
	}
	return c, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String prints the amount with exactly two decimals: "1234.56", "-0.05".
func (c Cents) String() string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-(c+1))+1 // safe for math.MinInt64
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + pad2(u%100)
}

func pad2(n uint64) string {
	if n < 10 {
		return "0" + strconv.FormatUint(n, 10)
	}
	return strconv.FormatUint(n, 10)
}
