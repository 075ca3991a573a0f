package webhooks_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/webhooks"
)

// A payroll's event names the payroll and its account by their GraphQL IDs, and no payment.
func TestPayloadOfAPayrollEvent(t *testing.T) {
	payroll, account := uuid.New(), uuid.New()
	from := "PROCESSING"
	b, err := webhooks.PayloadOf(&events.Event{ID: 7, Name: "payroll_finished", Topic: events.TopicPayroll, PayrollID: &payroll,
		AccountID: &account, FromStatus: &from, ToStatus: "FINISHED", OccurredAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var p webhooks.Payload
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	d := p.Data
	if p.Type != "payroll_finished" || d.PayrollID != globalid.Encode(globalid.Payroll, payroll) || d.PaymentID != "" ||
		d.AccountID == nil || *d.AccountID != globalid.Encode(globalid.Account, account) || d.Status != "FINISHED" || *d.PreviousStatus != from {
		t.Fatalf("payload %s", b)
	}
	if !webhooks.IsEventName(p.Type) {
		t.Fatalf("%s is not a webhook event name", p.Type)
	}
}
