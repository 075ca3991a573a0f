package payments

import (
	"fmt"
	"time"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// WarningCode names something about a payment that succeeded which its caller should know.
type WarningCode string

// WarningPastDue: the payment runs after its code's due date.
const WarningPastDue WarningCode = "PAST_DUE"

// Warning is one such thing, with a sentence for a person.
type Warning struct {
	Code    WarningCode
	Message string
}

// Warnings are what the caller who created p (and the holder asked to approve it) should know:
// a boleto or bill whose due date is before the day it runs is paid late, and the issuer may add
// interest and a fine, or refuse it. They are computed from the payment as it stands, so a retry
// of the same idempotency key answers the same warnings.
func Warnings(p *models.Payment) []Warning {
	var out []Warning
	if p.Target.DueDate != "" {
		due, err := brazil.ParseDate(p.Target.DueDate)
		runs := brazil.DateOf(p.RunOn)
		if err == nil && runs.After(due) {
			out = append(out, Warning{Code: WarningPastDue, Message: fmt.Sprintf(
				"this code was due on %s and is paid on %s, after its due date: the issuer may add interest and a fine, or refuse the payment",
				due, runs)})
		}
	}
	return out
}

// RunsAt is the instant a payment of kind in status, planned for the day runOn, becomes due:
// the opening of its kind's window on that day, in São Paulo time; ok is false once it no
// longer waits to run (it ran, failed or was stopped).
func (s *Service) RunsAt(kind Kind, status Status, runOn time.Time) (at time.Time, ok bool) {
	switch status {
	case StatusCreated, StatusApproved, StatusScheduled, StatusDelayed:
		return s.cfg.Calendar.RunAt(kind, brazil.DateOf(runOn)), true
	}
	return time.Time{}, false
}
