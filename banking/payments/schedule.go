package payments

import (
	"time"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
)

// saoPaulo is the banking calendar's clock.
var saoPaulo = saopaulo.Location

// Window is a daily operating window in São Paulo time, as offsets from midnight.
type Window struct {
	Open, Close time.Duration
}

func (w Window) contains(t time.Time) bool {
	local := t.In(saoPaulo)
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute + time.Duration(local.Second())*time.Second
	return since >= w.Open && since < w.Close
}

func (w Window) beforeOpen(t time.Time) bool {
	local := t.In(saoPaulo)
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	return since < w.Open
}

// Calendar holds the scheduling rules (DOMAIN.md §6.5, Part 2 §3).
type Calendar struct {
	TEDWindow     Window        // default 06:30–17:00
	BarcodeWindow Window        // default 00:00–23:50
	Horizon       time.Duration // furthest a payment may be scheduled; default one year
}

// DefaultCalendar is Stone's timetable: TEDs 06:30–17:00 on business days, barcode payments
// until 23:50, schedules up to one year ahead.
var DefaultCalendar = Calendar{
	TEDWindow:     Window{Open: 6*time.Hour + 30*time.Minute, Close: 17 * time.Hour},
	BarcodeWindow: Window{Open: 0, Close: 23*time.Hour + 50*time.Minute},
	Horizon:       365 * 24 * time.Hour,
}

// Plan is when a payment will run.
type Plan struct {
	Status Status      // APPROVED (now), SCHEDULED or DELAYED_TO_NEXT_BUSINESS_DAY
	Date   brazil.Date // the São Paulo day it runs
}

// Plan decides when an approved payment of kind runs, asked at now for the requested day (nil:
// as soon as possible). Internal transfers run any day; TEDs and barcode payments only on
// business days inside their window: outside it a TED is DELAYED_TO_NEXT_BUSINESS_DAY and a
// barcode payment SCHEDULED for the next business day. A requested non-business day moves to the
// next business day, as Stone does. Errors: INVALID (a past day), OUTSIDE_WINDOW (beyond the horizon).
func (c Calendar) Plan(kind Kind, now time.Time, requested *brazil.Date) (Plan, error) {
	today := brazil.DateOf(now.In(saoPaulo))
	if requested != nil {
		switch {
		case requested.Before(today):
			return Plan{}, apperr.Field(apperr.Invalid, []string{"scheduledFor"}, "scheduledFor %s is in the past", requested)
		case requested.After(c.LimitDate(now)):
			return Plan{}, apperr.Field(apperr.OutsideWindow, []string{"scheduledFor"}, "scheduledFor must be at most %s", c.LimitDate(now))
		case requested.After(today):
			d := *requested
			if kind != KindInternalTransfer {
				d = brazil.BusinessDayOnOrAfter(d)
			}
			return Plan{Status: StatusScheduled, Date: d}, nil
		}
	}
	switch kind {
	case KindInternalTransfer:
		return Plan{Status: StatusApproved, Date: today}, nil
	case KindTED:
		if brazil.IsBusinessDay(today) && c.TEDWindow.contains(now) {
			return Plan{Status: StatusApproved, Date: today}, nil
		}
		if brazil.IsBusinessDay(today) && c.TEDWindow.beforeOpen(now) {
			return Plan{Status: StatusDelayed, Date: today}, nil
		}
		return Plan{Status: StatusDelayed, Date: brazil.NextBusinessDay(today)}, nil
	default:
		if brazil.IsBusinessDay(today) && c.BarcodeWindow.contains(now) {
			return Plan{Status: StatusApproved, Date: today}, nil
		}
		return Plan{Status: StatusScheduled, Date: brazil.NextBusinessDay(today)}, nil
	}
}

// RunAt is the instant a planned payment becomes due: the opening of its window on its day.
func (c Calendar) RunAt(kind Kind, d brazil.Date) time.Time {
	open := time.Duration(0)
	switch kind {
	case KindTED:
		open = c.TEDWindow.Open
	case KindBoleto, KindBarcode:
		open = c.BarcodeWindow.Open
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, saoPaulo).Add(open)
}

// LimitDate is the last day a payment may be scheduled for.
func (c Calendar) LimitDate(now time.Time) brazil.Date {
	return brazil.DateOf(now.In(saoPaulo).Add(c.Horizon))
}

// NonBusinessDay is a day no TED or barcode payment runs.
type NonBusinessDay struct {
	Date      brazil.Date
	IsWeekend bool
	Holiday   string // the holiday's name; "" for a plain weekend
}

// Scheduling is what an ERP needs to offer dates (Stone's scheduling calendar).
type Scheduling struct {
	NextAvailable  brazil.Date
	LimitDate      brazil.Date
	NonBusinessDay []NonBusinessDay
}

// Schedule returns the calendar of kind between from and to (both included, at most 400 days).
func (c Calendar) Schedule(kind Kind, now time.Time, from, to brazil.Date) (Scheduling, error) {
	if to.Before(from) {
		return Scheduling{}, apperr.Field(apperr.Invalid, []string{"to"}, "to must not be before from")
	}
	if to.Sub(from) > 400 {
		return Scheduling{}, apperr.Field(apperr.Invalid, []string{"to"}, "ask for at most 400 days at once")
	}
	p, err := c.Plan(kind, now, nil)
	if err != nil {
		return Scheduling{}, err
	}
	out := Scheduling{NextAvailable: p.Date, LimitDate: c.LimitDate(now)}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if brazil.IsBusinessDay(d) {
			continue
		}
		nb := NonBusinessDay{Date: d, IsWeekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday}
		if h, ok := brazil.HolidayOn(d); ok {
			nb.Holiday = h.Name
		}
		out.NonBusinessDay = append(out.NonBusinessDay, nb)
	}
	return out, nil
}
