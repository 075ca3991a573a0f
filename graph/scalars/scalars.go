// Package scalars marshals Ponte's custom GraphQL scalars: Decimal (money as a string, never a
// float) and Date (a calendar day). It is hand-written glue that gqlgen's generated code calls.
package scalars

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

// MarshalDecimal prints centavos as a JSON string with two decimals.
func MarshalDecimal(c money.Cents) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(c.String()))
	})
}

// UnmarshalDecimal accepts only a string: a JSON number could already have lost precision.
// Its errors are BAD_USER_INPUT: the client sent a value the scalar does not take.
func UnmarshalDecimal(v any) (money.Cents, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.E(apperr.BadInput, `a Decimal must be a string such as "1234.56", not %T`, v)
	}
	c, err := money.Parse(s)
	if err != nil {
		return 0, apperr.E(apperr.BadInput, "Decimal %q: %v", s, err)
	}
	return c, nil
}

// DateLayout is the wire format of Date.
const DateLayout = time.DateOnly

// MarshalDate prints the calendar day of t.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(DateLayout)))
	})
}

// UnmarshalDate reads YYYY-MM-DD into midnight UTC of that day.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.E(apperr.BadInput, "a Date must be a string YYYY-MM-DD, not %T", v)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, apperr.E(apperr.BadInput, "a Date must be a real day as YYYY-MM-DD, got %q", s)
	}
	return t, nil
}
