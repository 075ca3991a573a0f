package payments_test

import (
	"testing"
	"time"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
)

var sp, _ = time.LoadLocation("America/Sao_Paulo")

func at(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, sp) }

func TestPlan(t *testing.T) {
	c := payments.DefaultCalendar
	future := brazil.NewDate(2026, 12, 25) // Christmas: a holiday
	cases := []struct {
		name   string
		kind   payments.Kind
		now    time.Time
		req    *brazil.Date
		status payments.Status
		date   brazil.Date
	}{
		{"TEDInsideTheWindowRunsNow", payments.KindTED, at(2026, 11, 23, 10, 0), nil, payments.StatusApproved, brazil.NewDate(2026, 11, 23)},
		{"TEDFridayEveningRunsMonday", payments.KindTED, at(2026, 11, 27, 18, 0), nil, payments.StatusDelayed, brazil.NewDate(2026, 11, 30)},
		{"TEDFridayBeforeCarnavalRunsAshWednesday", payments.KindTED, at(2026, 2, 13, 18, 0), nil, payments.StatusDelayed, brazil.NewDate(2026, 2, 18)},
		{"TEDBeforeOpeningRunsTheSameDay", payments.KindTED, at(2026, 11, 23, 5, 0), nil, payments.StatusDelayed, brazil.NewDate(2026, 11, 23)},
		{"TEDOn20NovemberWaits", payments.KindTED, at(2026, 11, 20, 10, 0), nil, payments.StatusDelayed, brazil.NewDate(2026, 11, 23)},
		{"InternalTransferRunsOnSunday", payments.KindInternalTransfer, at(2026, 11, 22, 23, 0), nil, payments.StatusApproved, brazil.NewDate(2026, 11, 22)},
		{"BoletoAfterCutoffIsScheduled", payments.KindBoleto, at(2026, 11, 23, 23, 55), nil, payments.StatusScheduled, brazil.NewDate(2026, 11, 24)},
		{"ScheduledHolidayMovesToNextBusinessDay", payments.KindTED, at(2026, 11, 23, 10, 0), &future, payments.StatusScheduled, brazil.NewDate(2026, 12, 28)},
		{"ScheduledInternalKeepsItsDay", payments.KindInternalTransfer, at(2026, 11, 23, 10, 0), &future, payments.StatusScheduled, future},
	}
	for _, c2 := range cases {
		t.Run(c2.name, func(t *testing.T) {
			p, err := c.Plan(c2.kind, c2.now, c2.req)
			if err != nil || p.Status != c2.status || p.Date != c2.date {
				t.Fatalf("Plan = %+v, %v; want %s on %s", p, err, c2.status, c2.date)
			}
		})
	}
	t.Run("ErrPastAndBeyondHorizon", func(t *testing.T) {
		past, far := brazil.NewDate(2026, 11, 1), brazil.NewDate(2028, 1, 1)
		if _, err := c.Plan(payments.KindTED, at(2026, 11, 23, 10, 0), &past); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("past: %v", err)
		}
		if _, err := c.Plan(payments.KindTED, at(2026, 11, 23, 10, 0), &far); apperr.CodeOf(err) != apperr.OutsideWindow {
			t.Fatalf("far: %v", err)
		}
	})
}

func TestSchedule(t *testing.T) {
	s, err := payments.DefaultCalendar.Schedule(payments.KindTED, at(2026, 11, 20, 10, 0), brazil.NewDate(2026, 11, 20), brazil.NewDate(2026, 11, 30))
	if err != nil {
		t.Fatal(err)
	}
	if s.NextAvailable != brazil.NewDate(2026, 11, 23) || len(s.NonBusinessDay) != 5 || s.NonBusinessDay[0].Holiday == "" {
		t.Fatalf("%+v", s)
	}
}

func TestStatusMachine(t *testing.T) {
	if !payments.CanMove(payments.StatusCreated, payments.StatusApproved) || payments.CanMove(payments.StatusFinished, payments.StatusCancelled) ||
		payments.CanMove(payments.StatusRejected, payments.StatusApproved) {
		t.Fatal("status machine differs from API.md")
	}
}
