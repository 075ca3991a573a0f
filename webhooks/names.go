package webhooks

import (
	"slices"
	"strings"
)

// The event names a tenant can subscribe to, as the event log spells them (Stone's webhook names,
// DOMAIN.md Part 1 §7, with the status as suffix; see payments.EventName):
//
//   - payments: cash_out_<operation>_<status>, operation one of internal_transfer, external_transfer
//     (TED), payment (boleto and barcode payments) and payroll; status one of created, approved,
//     scheduled, delayed_to_next_business_day, finished, failed, rejected, cancelled, expired,
//     refunded. Stone names the creation event without a suffix; Ponte says _created.
//   - consents: consent_<status>, status one of awaiting_authorisation, authorised, rejected,
//     revoked, expired. Stone only has consent_requested; Ponte sends every transition.
//   - payrolls (the run itself; each salary also sends its cash_out_payroll_* events):
//     payroll_created (whether it runs now or is SCHEDULED), payroll_processing, payroll_finished,
//     payroll_partially_failed, payroll_cancelled.
var eventNames = func() []string {
	var out []string
	for _, op := range []string{"internal_transfer", "external_transfer", "payment", "payroll"} {
		for _, st := range []string{"created", "approved", "scheduled", "delayed_to_next_business_day", "finished",
			"failed", "rejected", "cancelled", "expired", "refunded"} {
			out = append(out, "cash_out_"+op+"_"+st)
		}
	}
	for _, st := range []string{"awaiting_authorisation", "authorised", "rejected", "revoked", "expired"} {
		out = append(out, "consent_"+st)
	}
	for _, st := range []string{"created", "processing", "finished", "partially_failed", "cancelled"} {
		out = append(out, "payroll_"+st)
	}
	slices.Sort(out)
	return out
}()

// EventNames returns every event name an endpoint may filter on, sorted. The slice is the caller's.
func EventNames() []string { return slices.Clone(eventNames) }

// IsEventName reports whether name is one of EventNames.
func IsEventName(name string) bool {
	_, found := slices.BinarySearch(eventNames, name)
	return found
}

// normalizeNames trims, de-duplicates and sorts a filter; it returns the first unknown name.
func normalizeNames(names []string) (out []string, unknown string) {
	out = make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !IsEventName(n) {
			return nil, n
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), ""
}

// wants reports whether an endpoint with filter receives an event named name.
func wants(filter []string, name string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}
