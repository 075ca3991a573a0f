package payments_test

import (
	"testing"
	"time"

	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/models"
)

func TestWarningsPastDue(t *testing.T) {
	day := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return d
	}
	cases := []struct {
		name, due, runs string
		want            int
	}{
		{"PaidTheDayAfter", "2026-11-20", "2026-11-21", 1},
		{"PaidOnTheDueDate", "2026-11-20", "2026-11-20", 0},
		{"PaidBefore", "2026-11-20", "2026-11-02", 0},
		{"ScheduledAfterTheDueDate", "2026-11-20", "2026-12-01", 1},
		{"NoDueDate", "", "2026-12-01", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &models.Payment{RunOn: day(c.runs), Target: models.PaymentTarget{DueDate: c.due}}
			got := payments.Warnings(p)
			if len(got) != c.want {
				t.Fatalf("due %q, runs %s: %+v", c.due, c.runs, got)
			}
			if c.want == 1 && got[0].Code != payments.WarningPastDue {
				t.Errorf("code %s", got[0].Code)
			}
		})
	}
}
