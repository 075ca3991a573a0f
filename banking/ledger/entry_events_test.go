package ledger_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
)

// entryEvents returns the statement_entry events of a ledger transaction's entries, in order.
func (e *env) entryEvents(t *testing.T, txn uuid.UUID) []models.Event {
	t.Helper()
	var out []models.Event
	if err := e.db.Raw(`SELECT ev.* FROM events ev JOIN ledger_entries le ON le.id = ev.entry_id
		WHERE ev.topic = 'statement_entry' AND le.transaction_id = ? ORDER BY ev.id`, txn).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryCustomerEntryRecordsOneEvent: a deposit, a transfer with a fee and a refund each
// append, in their transaction, one statement_entry event per entry on a customer account (none
// for the bank's own accounts), named by kind and direction, carrying the entry.
func TestEveryCustomerEntryRecordsOneEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.approved(t), e.approved(t)

	dep := e.deposit(t, a, 10_000)
	evs := e.entryEvents(t, dep.ID)
	if len(evs) != 1 || evs[0].Name != "cash_in_external_transfer" || *evs[0].AccountID != a || evs[0].ToStatus != "CREDIT" ||
		evs[0].TenantID != nil || evs[0].Actor != "ledger" || *evs[0].EntryID != dep.EntryFor(a).ID {
		t.Fatalf("deposit events %+v", evs)
	}
	var d events.EntryDetail
	if err := json.Unmarshal(evs[0].Detail, &d); err != nil {
		t.Fatal(err)
	}
	if d.Amount != 10_000 || d.Kind != "external" || d.Direction != "CREDIT" || d.TransactionID != dep.ID || d.BalanceAfter != 10_000 ||
		d.Counterparty == nil || d.Counterparty.Document != ledger.SandboxCounterparty.Document {
		t.Fatalf("deposit detail %+v", d)
	}

	op := uuid.New()
	tr, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t1", From: a, To: b, Amount: 2_500, Fee: 100, OperationID: &op})
	if err != nil {
		t.Fatal(err)
	}
	evs = e.entryEvents(t, tr.ID)
	got := map[string]int{}
	for _, ev := range evs {
		got[ev.Name+" "+ev.ToStatus+" "+map[bool]string{true: "a", false: "b"}[*ev.AccountID == a]]++
		if ev.PaymentID == nil || *ev.PaymentID != op {
			t.Fatalf("transfer event without its operation: %+v", ev)
		}
	}
	want := map[string]int{"statement_entry_added DEBIT a": 2, "cash_in_internal_transfer CREDIT b": 1}
	if len(evs) != 3 || got["statement_entry_added DEBIT a"] != 2 || got["cash_in_internal_transfer CREDIT b"] != 1 {
		t.Fatalf("transfer events %v, want %v", got, want)
	}
	for _, ev := range evs {
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if *ev.AccountID == b && (d.Amount != 2_500 || d.Counterparty == nil || d.Counterparty.AccountID == nil || *d.Counterparty.AccountID != a) {
			t.Fatalf("credit detail %+v", d)
		}
	}

	// A replay posts nothing and records nothing; a refused movement neither.
	before := e.count(t, "events")
	if r, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t1", From: a, To: b, Amount: 2_500, Fee: 100, OperationID: &op}); err != nil || !r.Replayed {
		t.Fatalf("replay: %+v %v", r, err)
	}
	if _, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t2", From: a, To: b, Amount: 1_000_000}); apperr.CodeOf(err) != apperr.InsufficientFunds {
		t.Fatalf("overdraft: %v", err)
	}
	if n := e.count(t, "events"); n != before {
		t.Fatalf("%d events after a replay and a refusal, %d before", n, before)
	}

	// A refund (the payments package posts it so, under its payment's lock): the amount as
	// payment_refund and the returned fee as fee, both credits; only the first is a cash-in.
	var refund *ledger.Transaction
	if err := e.db.Transaction(func(tx *gorm.DB) error {
		refund, err = e.ledger.PostTx(ctx, tx, ledger.Movement{IdempotencyKey: "refund:x", Kind: ledger.KindPaymentRefund, Description: "Devolução",
			OperationID: &op, Postings: []ledger.Posting{
				{System: ledger.Settlement, Amount: -300}, {AccountID: a, Amount: 300},
				{System: ledger.FeeIncome, Amount: -50, Kind: ledger.KindFee}, {AccountID: a, Amount: 50, Kind: ledger.KindFee}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	evs = e.entryEvents(t, refund.ID)
	if len(evs) != 2 || evs[0].Name != "cash_in_payment_refund" || evs[1].Name != "statement_entry_added" || evs[1].ToStatus != "CREDIT" {
		t.Fatalf("refund events %+v", evs)
	}
	e.mustVerify(t)
}

// TestPostTxRolledBackRecordsNoEvent: the events commit with the caller's transaction or not at all.
func TestPostTxRolledBackRecordsNoEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.approved(t)
	before := e.count(t, "events")
	tx := e.db.Begin()
	if _, err := e.ledger.PostTx(context.Background(), tx, ledger.Movement{IdempotencyKey: "k", Kind: ledger.KindExternal,
		Postings: []ledger.Posting{{System: ledger.Settlement, Amount: -100}, {AccountID: a, Amount: 100}}}); err != nil {
		t.Fatal(err)
	}
	var inTx int64
	tx.Table("events").Where("topic = 'statement_entry'").Count(&inTx)
	if inTx != 1 {
		t.Fatalf("%d entry events inside the transaction", inTx)
	}
	tx.Rollback()
	if n := e.count(t, "events"); n != before {
		t.Fatalf("%d events after the rollback, %d before", n, before)
	}
}

func TestEntryEventName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind ledger.Kind
		dir  ledger.Direction
		want string
	}{
		{ledger.KindInternal, ledger.Credit, "cash_in_internal_transfer"},
		{ledger.KindExternal, ledger.Credit, "cash_in_external_transfer"},
		{ledger.KindExternalRefund, ledger.Credit, "cash_in_external_transfer_refund"},
		{ledger.KindPaymentRefund, ledger.Credit, "cash_in_payment_refund"},
		{"boleto_settlement", ledger.Credit, "cash_in_barcode_payment"},
		{ledger.KindFee, ledger.Credit, "statement_entry_added"},
		{ledger.KindPayment, ledger.Credit, "statement_entry_added"},
		{ledger.KindInternal, ledger.Debit, "statement_entry_added"},
		{"boleto_settlement", ledger.Debit, "statement_entry_added"},
		{ledger.KindExternal, ledger.Debit, "statement_entry_added"},
	} {
		if got := ledger.EntryEventName(c.kind, c.dir); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.kind, c.dir, got, c.want)
		}
	}
}
