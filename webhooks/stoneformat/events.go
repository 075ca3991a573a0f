package stoneformat

import "slices"

// Event is how one Ponte event is told in Stone's format.
type Event struct {
	// Type is Stone's event_type (also the x-stone-webhook-event-type header).
	Type string
	// TargetType is Stone's target_type: what target_id and target_data are.
	TargetType string
	// Data builds target_data (and target_id) from what webhooks read for the event.
	Data func(f *Facts) Target
}

// Events is THE table of event names: every event Ponte sends as a webhook, keyed by its name in
// Ponte's event log, with the event_type, target_type and target_data builder of its Stone form.
// Package webhooks dispatches exactly the names listed here, in both formats. To send a new
// event, add its row here (and, if its resource is a new one, teach webhooks.stoneFacts to read
// it into Facts.Fields).
//
// Where Stone has a name for the same thing, the event_type is Stone's (cash_out_X for a cash-out
// created, consent_requested for a consent the holder authorised on an account); where Stone has
// none, it is Ponte's own name (consent_revoked, cash_out_payroll_*, ...).
var Events = func() map[string]Event {
	m := map[string]Event{}
	// Cash-out: Stone's operations and names; Ponte's created is Stone's bare name, and a payment
	// delayed to the next business day is, for Stone, scheduled.
	for op, target := range map[string]string{
		"internal_transfer": "internal_transfer", // an internal transfer to another Ponte account
		"external_transfer": "external_transfer", // a TED
		"payment":           "payment",           // a boleto or an arrecadação (barcode) payment
		"payroll":           "internal_transfer", // a salary: an internal transfer (Stone publishes no payroll names)
	} {
		stone := "cash_out_" + op
		m[stone+"_created"] = Event{Type: stone, TargetType: target, Data: paymentData}
		for _, st := range []string{"approved", "scheduled", "finished", "failed", "rejected", "cancelled", "expired"} {
			m[stone+"_"+st] = Event{Type: stone + "_" + st, TargetType: target, Data: paymentData}
		}
		m[stone+"_delayed_to_next_business_day"] = Event{Type: stone + "_scheduled", TargetType: target, Data: paymentData}
		// The money a refund brings back is its own event, the ledger's credit (Stone's
		// cash_in_external_transfer_refund / cash_in_payment_refund, below); the cash-out's
		// transition to refunded keeps Ponte's name, so that one refund is never two Stone refunds.
		m[stone+"_refunded"] = Event{Type: stone + "_refunded", TargetType: target, Data: paymentData}
	}
	// Consents: Stone's consent_requested tells the partner which account the holder granted
	// (target: the payment account); Ponte's other consent transitions keep their own names.
	m["consent_authorised"] = Event{Type: "consent_requested", TargetType: "paymentaccount", Data: consentAccountData}
	for _, st := range []string{"awaiting_authorisation", "rejected", "revoked", "expired"} {
		m["consent_"+st] = Event{Type: "consent_" + st, TargetType: "consent", Data: consentData}
	}
	// Receivables (cash-in and boleto issuance): the log names them as Stone does. Their target
	// data is the event's Fields (see fieldsData for what is expected).
	for name, target := range map[string]string{
		"cash_in_internal_transfer":          "internal_transfer",
		"cash_in_external_transfer":          "external_transfer",
		"cash_in_barcode_payment":            "barcode_payment",
		"cash_in_payment_refund":             "payment",
		"cash_in_external_transfer_refund":   "external_transfer",
		"barcode_payment_invoice_created":    "barcode_payment_invoice",
		"barcode_payment_invoice_registered": "barcode_payment_invoice",
		"barcode_payment_invoice_settled":    "barcode_payment_invoice",
		"barcode_payment_invoice_expired":    "barcode_payment_invoice",
		"barcode_payment_invoice_cancelled":  "barcode_payment_invoice",
	} {
		m[name] = Event{Type: name, TargetType: target, Data: fieldsData}
	}
	// Every other statement entry (a debit, a fee): Stone has no name; Ponte's own.
	m["statement_entry_added"] = Event{Type: "statement_entry_added", TargetType: "statement_entry", Data: fieldsData}
	// Payrolls (the run; each salary is a cash_out_payroll_* of its own): Stone has no names.
	for _, st := range []string{"created", "processing", "finished", "partially_failed", "cancelled"} {
		m["payroll_"+st] = Event{Type: "payroll_" + st, TargetType: "payroll", Data: fieldsData}
	}
	// Contacts (favorecidos): Stone publishes no contact events; Ponte's own names.
	for _, name := range []string{"contact_created", "contact_updated", "contact_deleted"} {
		m[name] = Event{Type: name, TargetType: "contact", Data: fieldsData}
	}
	return m
}()

// Names returns the Ponte event names of Events, sorted.
func Names() []string {
	out := make([]string, 0, len(Events))
	for name := range Events {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
