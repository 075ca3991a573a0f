package brazil_test

import (
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

// FuzzParseDate: ParseDate accepts only canonical YYYY-MM-DD days (String gives the input back,
// UnmarshalText agrees), and day arithmetic on the result is exact: n days later is n days apart,
// is what time.AddDate says, and n days back is the same day again. n is bounded to ±1,000,000
// days (2,700 years), well beyond any date a payment carries.
func FuzzParseDate(f *testing.F) {
	v := loadPaymentVectors(f)
	for year, hs := range v.Holidays.ByYear {
		f.Add(year+"-01-01", 1)
		for _, h := range hs {
			f.Add(h.Date, -1)
		}
	}
	for _, c := range v.Boleto.Valid {
		f.Add(c.DueDate, 9000)
		f.Add(c.ValidRefRange[0], -3000)
	}
	for _, s := range []string{"", "2024-02-29", "2025-02-29", "2026-13-01", "0000-01-01", "9999-12-31",
		"2026-1-01", "2026-01-1", "+2026-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", "1997-10-07"} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		d, err := brazil.ParseDate(s)
		var u brazil.Date
		uerr := u.UnmarshalText([]byte(s))
		if s == "" {
			if err == nil || uerr != nil || !u.IsZero() {
				t.Fatalf("empty date: ParseDate %v, UnmarshalText %+v, %v", err, u, uerr)
			}
			return
		}
		if (err == nil) != (uerr == nil) || u != d {
			t.Fatalf("%q: ParseDate = %+v, %v; UnmarshalText = %+v, %v", s, d, err, u, uerr)
		}
		if err != nil {
			if d != (brazil.Date{}) {
				t.Fatalf("%q: error %v with a date %+v", s, err, d)
			}
			return
		}
		if got := d.String(); got != s || d.IsZero() {
			t.Fatalf("ParseDate(%q) = %+v, printed %q", s, d, got)
		}
		if brazil.DateOf(d.Time()) != d || brazil.NewDate(d.Year, d.Month, d.Day) != d {
			t.Fatalf("ParseDate(%q) = %+v is not a normalized date", s, d)
		}
		n %= 1_000_000
		later := d.AddDays(n)
		if later.Sub(d) != n || later.AddDays(-n) != d || later.Compare(d) != sign(n) {
			t.Fatalf("%s + %d days = %s, which is %d days apart (compare %d)", d, n, later, later.Sub(d), later.Compare(d))
		}
		if want := brazil.DateOf(d.Time().AddDate(0, 0, n)); later != want {
			t.Fatalf("%s + %d days = %s, time.AddDate says %s", d, n, later, want)
		}
	})
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
