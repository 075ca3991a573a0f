// Package scalars marshals Ponte's custom GraphQL scalars: Decimal (money as a string, never a
// float) and Date (a calendar day). It is hand-written glue that gqlgen's generated code calls.
package scalars

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/money"
)

// MarshalDecimal prints centavos as a JSON string with two decimals.
func MarshalDecimal(c money.Cents) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(c.String()))
	})
}

// UnmarshalDecimal accepts only a string: a JSON number could already have lost precision.
func UnmarshalDecimal(v any) (money.Cents, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf(`a Decimal must be a string such as "1234.56", not %T`, v)
	}
	return money.Parse(s)
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
		return time.Time{}, fmt.Errorf("a Date must be a string YYYY-MM-DD, not %T", v)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("a Date must be YYYY-MM-DD, got %q", s)
	}
	return t, nil
}
