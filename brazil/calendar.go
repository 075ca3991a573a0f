package brazil

import (
	"fmt"
	"sort"
	"time"
)

// Date is a civil date: a day as people in Brazil name it, with no time of
// day and no time zone. Business-day rules, boleto due dates and holidays
// are all about such days, and carrying them as a time.Time invites
// off-by-one-day bugs whenever an instant is read in another zone (00:00
// in São Paulo is 03:00 UTC). Convert at the edges with DateOf or
// BrasiliaDate and, for storage or GraphQL, with String/MarshalText.
//
// A Date built by NewDate, ParseDate or any function of this package is
// normalized; the zero Date means "no date". Dates compare with == and
// Compare.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// brasilia is the civil time of Brasília (and São Paulo): UTC-03:00 all
// year since Decreto 9.772/2019 ended daylight saving time. A fixed zone
// is used instead of time.LoadLocation("America/Sao_Paulo") because the
// package does no I/O (the tz database is a file). For instants before
// 2019 inside a DST period this is one hour off, which only matters for
// instants within an hour of midnight of long-past days.
var brasilia = time.FixedZone("BRT", -3*60*60)

// NewDate returns the date y-m-d, normalized like time.Date: 2025-02-29
// becomes 2025-03-01 and day 0 is the last day of the previous month.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location. A
// time.Time holding a date at midnight UTC (how many drivers and JSON
// decoders deliver a DATE) therefore keeps its day.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// BrasiliaDate returns the calendar date in Brasília at instant t: what
// "today" means for a Brazilian customer and for the banks' calendar.
// Use it to turn time.Now() into the reference date of the rules here.
func BrasiliaDate(t time.Time) Date {
	return DateOf(t.In(brasilia))
}

// ParseDate parses an ISO-8601 calendar date, "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String returns the date as YYYY-MM-DD (empty for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler with the String format.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; empty text gives the
// zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Time returns the date at 00:00 UTC, the usual encoding of a civil date in
// a time.Time (DateOf gives the same date back).
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before, if n is negative).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + int64(n)) }

// Sub returns the number of days from o to d (d - o).
func (d Date) Sub(o Date) int { return int(d.days() - o.days()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch a, b := d.days(), o.days(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (d.days() + int64(time.Thursday)) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// days returns the number of days since 1970-01-01 in the proleptic
// Gregorian calendar (H. Hinnant's days_from_civil). Integer arithmetic
// keeps it exact for any year, unlike time.Duration which overflows after
// 292 years.
func (d Date) days() int64 {
	y, m, dd := int64(d.Year), int64(d.Month), int64(d.Day)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400 // [0, 399]
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + dd - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateFromDays is the inverse of Date.days (civil_from_days).
func dateFromDays(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// HolidayKind says how a holiday's date is determined.
type HolidayKind string

// Holiday kinds; the strings match the test vectors.
const (
	HolidayFixed  HolidayKind = "fixed"         // same day and month every year
	HolidayEaster HolidayKind = "easter_offset" // moveable: a fixed number of days from Easter Sunday
)

// Holiday is a national day without banking business.
type Holiday struct {
	Date Date
	Name string // Portuguese name, as on a calendar
	Kind HolidayKind
}

// zumbiFrom is the first year 20 November is a national holiday
// (Lei 14.759/2023).
const zumbiFrom = 2024

// Holidays returns the national days without banking business in year,
// sorted by date, including those that fall on a weekend. They are the
// days the STR and the compensation system (COMPE) are closed:
//
//   - the federal holidays: 01/01, 21/04, 01/05, 07/09, 12/10, 02/11,
//     15/11, 25/12 and, from 2024, 20/11 (Lei 14.759/2023);
//   - Good Friday (Easter - 2), a religious holiday with the STR closed;
//   - Carnaval Monday and Tuesday (Easter - 48 and - 47), bank holidays by
//     Res. CMN 4.880/2020 though not federal holidays;
//   - Corpus Christi (Easter + 60), a bank holiday per the BCB.
//
// Ash Wednesday and the last business day of the year are business days
// (late opening, no branch service) and are not listed. State and
// municipal holidays are out of scope: settlement follows the national
// calendar. The rules are today's, applied to every year except for the
// start of 20 November; do not use the result to reconstruct calendars
// from before 2002.
func Holidays(year int) []Holiday {
	e := Easter(year)
	fixed := func(m time.Month, d int, name string) Holiday {
		return Holiday{Date: Date{Year: year, Month: m, Day: d}, Name: name, Kind: HolidayFixed}
	}
	moveable := func(offset int, name string) Holiday {
		return Holiday{Date: e.AddDays(offset), Name: name, Kind: HolidayEaster}
	}
	hs := []Holiday{
		fixed(time.January, 1, "Confraternização Universal"),
		moveable(-48, "Carnaval (segunda-feira)"),
		moveable(-47, "Carnaval (terça-feira)"),
		moveable(-2, "Sexta-feira da Paixão"),
		fixed(time.April, 21, "Tiradentes"),
		fixed(time.May, 1, "Dia do Trabalho"),
		moveable(60, "Corpus Christi"),
		fixed(time.September, 7, "Independência do Brasil"),
		fixed(time.October, 12, "Nossa Senhora Aparecida"),
		fixed(time.November, 2, "Finados"),
		fixed(time.November, 15, "Proclamação da República"),
	}
	if year >= zumbiFrom {
		hs = append(hs, fixed(time.November, 20, "Dia Nacional de Zumbi e da Consciência Negra"))
	}
	hs = append(hs, fixed(time.December, 25, "Natal"))
	// Good Friday can fall on 21 April (e.g. 2000, 2079): keep both.
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// Easter returns Easter Sunday of year in the Gregorian calendar
// (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{Year: year, Month: time.Month(month), Day: day}
}

// HolidayOn returns the holiday on d, if any (the first one listed when
// two coincide).
func HolidayOn(d Date) (Holiday, bool) {
	for _, h := range Holidays(d.Year) {
		if h.Date == d {
			return h, true
		}
	}
	return Holiday{}, false
}

// IsBusinessDay reports whether d is a banking business day: a weekday
// that is not in Holidays. TEDs settle, boletos are due and scheduled
// payments run on such days.
func IsBusinessDay(d Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := HolidayOn(d)
	return !holiday
}

// NextBusinessDay returns the first business day strictly after d.
func NextBusinessDay(d Date) Date {
	for {
		d = d.AddDays(1)
		if IsBusinessDay(d) {
			return d
		}
	}
}

// BusinessDayOnOrAfter returns d if it is a business day, else the next
// one: the day a payment due on d is actually due, and the day a TED
// requested on d settles.
func BusinessDayOnOrAfter(d Date) Date {
	if IsBusinessDay(d) {
		return d
	}
	return NextBusinessDay(d)
}
