package webhooks

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// A cash-in's Stone target_data is its statement entry in Stone's names, read from the event's
// own detail: the amount in centavos, the counterparty, the entry as target_id.
func TestStoneTargetDataOfAStatementEntry(t *testing.T) {
	account, other, entry, txn := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	detail, _ := json.Marshal(events.EntryDetail{TransactionID: txn, Kind: "internal", Direction: "CREDIT", Amount: 12345, BalanceAfter: 99900,
		Description: "Pedido 42", Counterparty: &events.EntryCounterparty{AccountID: &other, Name: "Fornecedor", Document: "11222333000181", DocumentType: "CNPJ"}})
	ev := &events.Event{Name: "cash_in_internal_transfer", Topic: events.TopicStatementEntry, AccountID: &account, EntryID: &entry,
		Detail: detail, ToStatus: "CREDIT", OccurredAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	fields := map[string]any{}
	if err := entryFields(fields, ev); err != nil {
		t.Fatal(err)
	}
	claims, err := stoneformat.Build(&stoneformat.Facts{EventName: ev.Name, AccountID: globalid.Encode(globalid.Account, account), Fields: fields,
		HappenedAt: ev.OccurredAt, Status: ev.ToStatus}, "sandbox", ev.OccurredAt, "jti")
	if err != nil {
		t.Fatal(err)
	}
	d := claims.TargetData
	party, _ := d["counterparty"].(map[string]any)
	if claims.TargetID != globalid.Encode(globalid.Entry, entry) || d["amount"] != int64(12345) || d["type"] != "credit" ||
		d["description"] != "Pedido 42" || party["account_id"] != globalid.Encode(globalid.Account, other) || party["document"] != "11222333000181" ||
		d["account_id"] != globalid.Encode(globalid.Account, account) {
		t.Fatalf("target %s %+v", claims.TargetID, d)
	}
}

// A boleto's Stone target_data names it as Stone's invoices: invoice_type, our_number,
// writable_line, expiration_date, the customer.
func TestStoneTargetDataOfABoleto(t *testing.T) {
	settled := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	paid := int64(12633)
	b := &models.Boleto{ID: uuid.New(), Kind: "COBRANCA", AmountCents: 12345, OurNumber: "00000000000000017", Barcode: "1979",
		TypedLine: "19790", DueDate: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), LimitDate: time.Date(2027, 1, 9, 0, 0, 0, 0, time.UTC),
		Customer: models.BoletoParty{Name: "Cliente", Document: "24843803480", DocumentType: "CPF"}, SettledAt: &settled, PaidCents: &paid,
		Payer: &models.BoletoParty{Name: "Pagador", Document: "11222333000181"}}
	fields := map[string]any{}
	boletoFields(fields, b)
	if fields["invoice_type"] != "bill_of_exchange" || fields["our_number"] != b.OurNumber || fields["writable_line"] != "19790" ||
		fields["expiration_date"] != "2026-12-10" || fields["settled_at"] != "2026-12-01T15:00:00Z" || fields["paid_amount"] != paid ||
		fields["registered_at"] != nil || fields["id"] != globalid.Encode(globalid.Boleto, b.ID) {
		t.Fatalf("%+v", fields)
	}
	if c, _ := fields["customer"].(map[string]any); c["document"] != "24843803480" || c["document_type"] != "cpf" {
		t.Fatalf("customer %+v", fields["customer"])
	}
}
