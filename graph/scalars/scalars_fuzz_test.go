package scalars_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/graph/scalars"
	"github.com/ponte-bff/ponte/money"
)

func marshaled(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// FuzzUnmarshalDecimal: a Decimal input is exactly money.Parse of the string, a refusal is
// BAD_USER_INPUT (never INTERNAL), the output is the JSON string of the canonical amount and
// reads back to the same centavos, and a JSON number of any value is refused.
func FuzzUnmarshalDecimal(f *testing.F) {
	for _, s := range []string{"0", "1234.56", "-10.00", "1.5", "92233720368547758.07", "92233720368547758.08",
		"1e3", "1,00", "", " 1.00", "\"1.00\"", "NaN"} {
		f.Add(s, 1234.56)
	}
	f.Add("1", 1e300)
	f.Fuzz(func(t *testing.T, s string, number float64) {
		c, err := scalars.UnmarshalDecimal(s)
		want, wantErr := money.Parse(s)
		if (err == nil) != (wantErr == nil) || c != want {
			t.Fatalf("UnmarshalDecimal(%q) = %d, %v; money.Parse gives %d, %v", s, c, err, want, wantErr)
		}
		if err != nil {
			if apperr.CodeOf(err) != apperr.BadInput {
				t.Fatalf("UnmarshalDecimal(%q): %v is not BAD_USER_INPUT", s, err)
			}
			return
		}
		out := marshaled(scalars.MarshalDecimal(c))
		if out != strconv.Quote(c.String()) {
			t.Fatalf("MarshalDecimal(%d) = %s", c, out)
		}
		text, err := strconv.Unquote(out)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := scalars.UnmarshalDecimal(text); err != nil || back != c {
			t.Fatalf("%q reads %d, printed %s, reads back %d, %v", s, c, out, back, err)
		}
		for _, v := range []any{number, int64(c), int(c)} {
			if _, err := scalars.UnmarshalDecimal(v); apperr.CodeOf(err) != apperr.BadInput {
				t.Fatalf("UnmarshalDecimal(%v %T) = %v; a number must be refused as BAD_USER_INPUT", v, v, err)
			}
		}
	})
}

// FuzzUnmarshalDate: a Date input is a real day written exactly as YYYY-MM-DD, read as midnight
// UTC and printed back as the same string; brazil.ParseDate agrees; a refusal is BAD_USER_INPUT.
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2026-11-23", "2024-02-29", "2025-02-29", "2026-13-01", "0000-01-01", "9999-12-31",
		"2026-1-01", "2026-01-1", "2026-01-01T00:00:00Z", " 2026-01-01", "", "20261123", "2026/11/23"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := scalars.UnmarshalDate(s)
		civil, civilErr := brazil.ParseDate(s)
		if (err == nil) != (civilErr == nil) {
			t.Fatalf("UnmarshalDate(%q) = %v, %v; brazil.ParseDate gives %v, %v", s, d, err, civil, civilErr)
		}
		if err != nil {
			if apperr.CodeOf(err) != apperr.BadInput || !d.IsZero() {
				t.Fatalf("UnmarshalDate(%q) = %v, %v; want BAD_USER_INPUT", s, d, err)
			}
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("UnmarshalDate(%q) = %v, not midnight UTC", s, d)
		}
		if brazil.DateOf(d) != civil {
			t.Fatalf("UnmarshalDate(%q) = %v, brazil.ParseDate gives %s", s, d, civil)
		}
		if out := marshaled(scalars.MarshalDate(d)); out != strconv.Quote(s) {
			t.Fatalf("UnmarshalDate(%q) printed back as %s", s, out)
		}
	})
}
