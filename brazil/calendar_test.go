package brazil_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

func TestHolidaysVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, year := range []int{2025, 2026, 2027, 2028} {
		want := v.Holidays.ByYear[strconv.Itoa(year)]
		got := brazil.Holidays(year)
		if len(got) != len(want) {
			t.Errorf("%d: %d holidays, want %d: %+v", year, len(got), len(want), got)
			continue
		}
		easter := mustDate(t, v.Holidays.Easter[strconv.Itoa(year)])
		if e := brazil.Easter(year); e != easter {
			t.Errorf("Easter(%d) = %s, want %s", year, e, easter)
		}
		for i, w := range want {
			g := got[i]
			// Names are the vectors' up to accents: the package keeps the
			// Portuguese spelling shown to customers.
			if g.Date.String() != w.Date || string(g.Kind) != w.Kind || foldForTest(g.Name) != foldForTest(w.Name) {
				t.Errorf("%d #%d: %s %q %s, want %s %q %s", year, i, g.Date, g.Name, g.Kind, w.Date, w.Name, w.Kind)
			}
			if g.Date.Weekday().String()[:3] != w.Weekday {
				t.Errorf("%s: weekday %s, vector says %s", g.Date, g.Date.Weekday(), w.Weekday)
			}
			if w.EasterOffset != nil && g.Date.Sub(easter) != *w.EasterOffset {
				t.Errorf("%s: %d days from Easter, want %d", g.Date, g.Date.Sub(easter), *w.EasterOffset)
			}
			if h, ok := brazil.HolidayOn(g.Date); !ok || h != g {
				t.Errorf("HolidayOn(%s) = %+v, %v", g.Date, h, ok)
			}
			if brazil.IsBusinessDay(g.Date) {
				t.Errorf("%s (%s) is a business day", g.Date, g.Name)
			}
		}
	}
}

func TestHolidays20November(t *testing.T) {
	has := func(year int) bool {
		_, ok := brazil.HolidayOn(brazil.NewDate(year, time.November, 20))
		return ok
	}
	if has(2023) || !has(2024) || !has(2050) {
		t.Errorf("20 November: 2023 %v, 2024 %v, 2050 %v; want a holiday from 2024 (Lei 14.759/2023)", has(2023), has(2024), has(2050))
	}
	if n := len(brazil.Holidays(2023)); n != 12 {
		t.Errorf("2023: %d holidays, want 12", n)
	}
}

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		1818: "1818-03-22", // earliest possible date
		1943: "1943-04-25", // latest possible date
		2000: "2000-04-23",
		2019: "2019-04-21",
		2024: "2024-03-31",
		2038: "2038-04-25",
		2049: "2049-04-18",
		2285: "2285-03-22",
	} {
		if got := brazil.Easter(year).String(); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
	// In 2000 Good Friday fell on Tiradentes (21 April): both are listed.
	n := 0
	for _, h := range brazil.Holidays(2000) {
		if h.Date == brazil.NewDate(2000, time.April, 21) {
			n++
		}
	}
	if n != 2 {
		t.Errorf("2000-04-21: %d holidays listed, want 2 (Good Friday and Tiradentes)", n)
	}
}

// TestHolidaysSortedEveryYear checks the invariants over a long span:
// sorted, 12 or 13 entries, Carnaval on Monday and Tuesday, Good Friday on
// Friday, Corpus Christi on Thursday.
func TestHolidaysSortedEveryYear(t *testing.T) {
	for year := 1990; year <= 2200; year++ {
		hs := brazil.Holidays(year)
		if want := map[bool]int{true: 13, false: 12}[year >= 2024]; len(hs) != want {
			t.Fatalf("%d: %d holidays, want %d", year, len(hs), want)
		}
		for i, h := range hs {
			if h.Date.Year != year {
				t.Fatalf("%d: %+v outside the year", year, h)
			}
			if i > 0 && h.Date.Before(hs[i-1].Date) {
				t.Fatalf("%d: not sorted at %+v", year, h)
			}
			if h.Kind == brazil.HolidayEaster {
				var want time.Weekday
				switch h.Name {
				case "Carnaval (segunda-feira)":
					want = time.Monday
				case "Carnaval (terça-feira)":
					want = time.Tuesday
				case "Sexta-feira da Paixão":
					want = time.Friday
				case "Corpus Christi":
					want = time.Thursday
				default:
					t.Fatalf("unexpected moveable holiday %q", h.Name)
				}
				if h.Date.Weekday() != want {
					t.Fatalf("%s %s falls on %s", h.Date, h.Name, h.Date.Weekday())
				}
			}
		}
	}
}

func TestBusinessDays(t *testing.T) {
	cases := []struct {
		date     string
		business bool
		next     string // NextBusinessDay
	}{
		// Carnaval 2026: Friday 13, weekend, Monday 16 and Tuesday 17
		// closed, Ash Wednesday 18 open (from noon for branches).
		{"2026-02-13", true, "2026-02-18"},
		{"2026-02-14", false, "2026-02-18"},
		{"2026-02-16", false, "2026-02-18"},
		{"2026-02-17", false, "2026-02-18"},
		{"2026-02-18", true, "2026-02-19"},
		// Carnaval 2025 (3-4 March).
		{"2025-02-28", true, "2025-03-05"},
		{"2025-03-03", false, "2025-03-05"},
		{"2025-03-05", true, "2025-03-06"},
		// 20 November: Thursday in 2025, Friday in 2026 (long weekend),
		// Monday in 2023 before the law.
		{"2025-11-19", true, "2025-11-21"},
		{"2025-11-20", false, "2025-11-21"},
		{"2026-11-19", true, "2026-11-23"},
		{"2026-11-20", false, "2026-11-23"},
		{"2023-11-20", true, "2023-11-21"},
		// Good Friday and Tiradentes 2025: Friday 18, weekend, Monday 21.
		{"2025-04-17", true, "2025-04-22"},
		// Corpus Christi 2026 (Thursday 4 June).
		{"2026-06-03", true, "2026-06-05"},
		// Year end: 31 December is a settlement day; 1 January is not.
		{"2025-12-31", true, "2026-01-02"},
		{"2026-12-24", true, "2026-12-28"},
	}
	for _, c := range cases {
		d := mustDate(t, c.date)
		if got := brazil.IsBusinessDay(d); got != c.business {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", d, got, c.business)
		}
		if got := brazil.NextBusinessDay(d); got.String() != c.next {
			t.Errorf("NextBusinessDay(%s) = %s, want %s", d, got, c.next)
		}
		want := c.next
		if c.business {
			want = c.date
		}
		if got := brazil.BusinessDayOnOrAfter(d); got.String() != want {
			t.Errorf("BusinessDayOnOrAfter(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestDateArithmeticMatchesTimePackage(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	epoch := brazil.NewDate(1970, time.January, 1)
	for i := 0; i < 80000; i += 7 { // to 2108, through every month and leap rule
		tm := start.AddDate(0, 0, i)
		d := brazil.DateOf(tm)
		if d.Time() != tm || d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: Time %v weekday %s, want %v %s", d, d.Time(), d.Weekday(), tm, tm.Weekday())
		}
		if got, want := d.Sub(epoch), int(tm.Unix()/86400); got != want {
			t.Fatalf("%s: %d days since 1970, want %d", d, got, want)
		}
		if got := epoch.AddDays(d.Sub(epoch)); got != d {
			t.Fatalf("AddDays round trip: %s, want %s", got, d)
		}
		if next := d.AddDays(1); next != brazil.DateOf(tm.AddDate(0, 0, 1)) || !next.After(d) || d.Compare(next) != -1 {
			t.Fatalf("%s + 1 = %s", d, next)
		}
	}
	// Far from 1970 time.Duration would overflow; Date does not.
	if got := brazil.NewDate(2500, time.January, 1).Sub(brazil.NewDate(1500, time.January, 1)); got != 365243 {
		t.Errorf("days 1500..2500 = %d, want 365243", got)
	}
}

func TestDateConversions(t *testing.T) {
	if got := brazil.NewDate(2025, time.February, 29); got.String() != "2025-03-01" {
		t.Errorf("NewDate normalizes 2025-02-29 to %s", got)
	}
	if got := brazil.NewDate(2028, time.March, 0); got.String() != "2028-02-29" {
		t.Errorf("NewDate(2028-03-00) = %s", got)
	}
	for _, bad := range []string{"", "2025-02-30", "2025-2-3", "03/02/2025", "2025-02-03T00:00:00Z"} {
		if _, err := brazil.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	// 01:30 UTC on 1 January is still 31 December in Brasília.
	instant := time.Date(2026, 1, 1, 1, 30, 0, 0, time.UTC)
	if got := brazil.BrasiliaDate(instant).String(); got != "2025-12-31" {
		t.Errorf("BrasiliaDate(%v) = %s", instant, got)
	}
	if got := brazil.DateOf(instant).String(); got != "2026-01-01" {
		t.Errorf("DateOf(%v) = %s", instant, got)
	}

	var zero brazil.Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero Date: %v %q", zero.IsZero(), zero.String())
	}

	type doc struct {
		Due  brazil.Date  `json:"due"`
		Next *brazil.Date `json:"next,omitempty"`
	}
	in := doc{Due: brazil.NewDate(2026, time.November, 20)}
	raw, err := json.Marshal(in)
	if err != nil || string(raw) != `{"due":"2026-11-20"}` {
		t.Fatalf("marshal: %s, %v", raw, err)
	}
	var out doc
	if err := json.Unmarshal(raw, &out); err != nil || out != in {
		t.Fatalf("unmarshal: %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"20/11/2026"}`), &out); err == nil {
		t.Error("unmarshal accepted a non-ISO date")
	}
	if err := json.Unmarshal([]byte(`{"due":""}`), &out); err != nil || !out.Due.IsZero() {
		t.Errorf("empty date: %+v, %v", out, err)
	}
}
