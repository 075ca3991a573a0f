package webhooks

import (
	"slices"
	"strings"

	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// eventNames are the event names a tenant can subscribe to, as the event log spells them: the
// keys of stoneformat.Events, the one table that says, for both formats, which events become
// webhooks and how each reads in Stone's vocabulary:
//
//   - payments: cash_out_<operation>_<status>, operation one of internal_transfer, external_transfer
//     (TED), payment (boleto and barcode payments) and payroll; status one of created, approved,
//     scheduled, delayed_to_next_business_day, finished, failed, rejected, cancelled, expired,
//     refunded. Stone names the creation event without a suffix; Ponte says _created.
//   - consents: consent_<status>, status one of awaiting_authorisation, authorised, rejected,
//     revoked, expired. Stone only has consent_requested; Ponte sends every transition.
//   - contacts: contact_created, contact_updated (its fields or bank accounts changed),
//     contact_deleted (banking/contacts).
//   - statement entries (ledger.EntryEventName): a credit that brings money in carries Stone's
//     cash-in name, cash_in_internal_transfer, cash_in_external_transfer (a TED received),
//     cash_in_external_transfer_refund, cash_in_payment_refund, cash_in_barcode_payment (a boleto
//     issued here, paid); every other entry (debits, fees) is statement_entry_added, Ponte's own.
//     They go to every tenant that reaches the account with statement:read (its owner, or a live
//     consent with that scope).
//   - boletos issued (banking/boletos): barcode_payment_invoice_<status>, status one of created,
//     registered, settled, expired, cancelled (Stone's; the log's cancellation_requested is no
//     webhook).
//   - payrolls (the run itself; each salary also sends its cash_out_payroll_* events):
//     payroll_created (whether it runs now or is SCHEDULED), payroll_processing, payroll_finished,
//     payroll_partially_failed, payroll_cancelled.
var eventNames = stoneformat.Names()

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
