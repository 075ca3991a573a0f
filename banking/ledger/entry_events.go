package ledger

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
)

// kindBoletoSettlement is the statement kind of a boleto's settlement credited to its
// beneficiary (Stone's boleto_settlement). Package boletos posts it; here it only names its
// cash-in event.
const kindBoletoSettlement Kind = "boleto_settlement"

// Statement-entry event names. A credit that brings money in carries Stone's cash-in webhook
// name; every other entry (debits, fees, returned fees) is statement_entry_added, Ponte's own,
// so that a subscriber to the statement hears of every line while an ERP that filters webhooks on
// Stone's names receives only the cash-ins.
const (
	EventCashInInternalTransfer       = "cash_in_internal_transfer"        // credit of kind internal
	EventCashInExternalTransfer       = "cash_in_external_transfer"        // credit of kind external (a TED received)
	EventCashInExternalTransferRefund = "cash_in_external_transfer_refund" // credit of kind external_refund (a TED out returned)
	EventCashInPaymentRefund          = "cash_in_payment_refund"           // credit of kind payment_refund (a barcode payment returned)
	EventCashInBarcodePayment         = "cash_in_barcode_payment"          // credit of kind boleto_settlement (a boleto issued here, paid)
	EventStatementEntryAdded          = "statement_entry_added"            // every other entry
)

// EntryEventNames are every name EntryEventName gives, for webhook filters.
var EntryEventNames = []string{EventCashInInternalTransfer, EventCashInExternalTransfer, EventCashInExternalTransferRefund,
	EventCashInPaymentRefund, EventCashInBarcodePayment, EventStatementEntryAdded}

// EntryEventName is the event name of a statement entry of kind k in direction d.
func EntryEventName(k Kind, d Direction) string {
	if d == Credit {
		switch k {
		case KindInternal:
			return EventCashInInternalTransfer
		case KindExternal:
			return EventCashInExternalTransfer
		case KindExternalRefund:
			return EventCashInExternalTransferRefund
		case KindPaymentRefund:
			return EventCashInPaymentRefund
		case kindBoletoSettlement:
			return EventCashInBarcodePayment
		}
	}
	return EventStatementEntryAdded
}

// entryEventActor is the actor of statement-entry events: the ledger wrote the entry; the event's
// request id (and the payment's own events) say who asked for the movement.
const entryEventActor = "ledger"

// recordEntries appends one statement_entry event per entry on a customer account to the event
// log, in tx with the entries and in one statement. The events name no tenant: auth decides, when
// they are read, which tenants reach the account.
func (w *posting) recordEntries(ctx context.Context, tx *gorm.DB) error {
	evs := make([]events.Event, 0, len(w.out.Entries))
	for i := range w.out.Entries {
		e := &w.out.Entries[i]
		if e.AccountID == nil {
			continue
		}
		detail, err := json.Marshal(entryDetail(e))
		if err != nil {
			return fmt.Errorf("ledger: encode entry event: %w", err)
		}
		id := e.ID
		evs = append(evs, events.Event{Name: EntryEventName(e.Kind, e.Direction), Topic: events.TopicStatementEntry,
			AccountID: e.AccountID, PaymentID: e.OperationID, ToStatus: string(e.Direction), Actor: entryEventActor,
			OccurredAt: e.OccurredAt, EntryID: &id, Detail: detail})
	}
	if err := events.RecordAll(ctx, tx, evs); err != nil {
		return fmt.Errorf("ledger: record entry events: %w", err)
	}
	return nil
}

func entryDetail(e *Entry) events.EntryDetail {
	d := events.EntryDetail{TransactionID: e.TransactionID, Kind: string(e.Kind), Direction: string(e.Direction),
		Amount: int64(e.Amount), Fee: int64(e.Fee), BalanceAfter: int64(e.BalanceAfter), Description: e.Description}
	if c := e.Counterparty; c != nil {
		d.Counterparty = &events.EntryCounterparty{AccountID: c.AccountID, Name: c.Name, Document: c.Document,
			DocumentType: c.DocumentType, InstitutionISPB: c.InstitutionISPB, InstitutionCode: c.InstitutionCode,
			InstitutionName: c.InstitutionName, BranchCode: c.BranchCode, AccountCode: c.AccountCode, AccountType: c.AccountType}
	}
	return d
}
