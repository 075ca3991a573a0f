package payments_test

import (
	"context"
	"testing"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
)

// TestCallersKeysNeverJamAPaymentsExecution: an operator's deposit (no tenant, as
// sandboxDeposit and the seeds post) keyed exactly as Ponte keys a payment's own movements
// ("payment:<id>", "refund:<id>") is a caller's key, in another key space: the payment still
// runs and is refunded, and the deposit replays as the caller's own.
func TestCallersKeysNeverJamAPaymentsExecution(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	day := brazil.NewDate(2026, 11, 25)
	it, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "it", ScheduledFor: &day}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(it.Status) != payments.StatusScheduled {
		t.Fatalf("%+v %v", it, err)
	}
	tp, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 2_000, IdempotencyKey: "ted", ScheduledFor: &day}, Target: ted})
	if err != nil || payments.Status(tp.Status) != payments.StatusScheduled {
		t.Fatalf("%+v %v", tp, err)
	}
	deposit := func(key string) *ledger.Transaction {
		t.Helper()
		txn, err := e.led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: key, AccountID: e.to, Amount: 7, From: ledger.SandboxCounterparty})
		if err != nil {
			t.Fatalf("deposit %s: %v", key, err)
		}
		return txn
	}
	keys := []string{"payment:" + it.ID.String(), "payment:" + tp.ID.String(), "refund:" + tp.ID.String()}
	first := map[string]*ledger.Transaction{}
	for _, k := range keys {
		first[k] = deposit(k)
	}

	e.now = at(2026, 11, 25, 10, 0)
	e.run(t) // before the fix: IDEMPOTENCY_KEY_REUSED, a technical failure that River retries forever
	for _, p := range []struct {
		name string
		st   payments.Status
	}{{"internal transfer", e.status(t, it.ID)}, {"TED", e.status(t, tp.ID)}} {
		if p.st != payments.StatusFinished {
			t.Fatalf("%s after an operator's deposit took its key: %s", p.name, p.st)
		}
	}
	if _, err := e.svc.Refund(ctx, tp.ID, "operator:op", "returned"); err != nil {
		t.Fatalf("refund after an operator's deposit took its key: %v", err)
	}
	if e.status(t, tp.ID) != payments.StatusRefunded {
		t.Fatalf("TED %s, want REFUNDED", e.status(t, tp.ID))
	}
	// The caller's keys still mean the caller's deposits.
	for _, k := range keys {
		if again := deposit(k); !again.Replayed || again.ID != first[k].ID {
			t.Fatalf("deposit %s again: %+v, want the replay of %s", k, again, first[k].ID)
		}
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Available != 100_000-1_000 || b.Scheduled != 0 {
		t.Fatalf("payer's balance %+v", b)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}
