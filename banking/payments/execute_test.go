package payments_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

var allStatuses = []payments.Status{payments.StatusCreated, payments.StatusApproved, payments.StatusScheduled,
	payments.StatusDelayed, payments.StatusFinished, payments.StatusFailed, payments.StatusRejected,
	payments.StatusCancelled, payments.StatusExpired, payments.StatusRefunded}

func TestIllegalMovesAreInternalErrorsAndChangeNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	finished, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "fin"}, TargetAccountCode: e.toCode})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t)
	day := brazil.NewDate(2026, 12, 10)
	scheduled, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 2_000, IdempotencyKey: "sch", ScheduledFor: &day}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(scheduled.Status) != payments.StatusScheduled {
		t.Fatalf("%+v %v", scheduled, err)
	}
	for _, id := range []uuid.UUID{finished.ID, scheduled.ID} {
		before, _ := e.svc.Get(ctx, id)
		balance, _ := e.led.Balance(ctx, e.from)
		for _, to := range allStatuses {
			if payments.CanMove(payments.Status(before.Status), to) {
				continue
			}
			err := e.svc.MoveForTest(ctx, id, to)
			if apperr.CodeOf(err) != apperr.Internal {
				t.Errorf("%s → %s: %v, want an internal error", before.Status, to, err)
			}
			after, _ := e.svc.Get(ctx, id)
			if after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("%s → %s changed the payment: %s, updated %v", before.Status, to, after.Status, after.UpdatedAt)
			}
			if b, _ := e.led.Balance(ctx, e.from); b != balance {
				t.Errorf("%s → %s changed the balances: %+v → %+v", before.Status, to, balance, b)
			}
		}
	}
	t.Run("FinishedToApproved", func(t *testing.T) {
		if err := e.svc.MoveForTest(ctx, finished.ID, payments.StatusApproved); apperr.CodeOf(err) != apperr.Internal {
			t.Fatalf("FINISHED → APPROVED: %v", err)
		}
		if e.status(t, finished.ID) != payments.StatusFinished {
			t.Fatal("the payment moved")
		}
	})
	t.Run("LegalMovesStillGoThrough", func(t *testing.T) {
		if err := e.svc.MoveForTest(ctx, scheduled.ID, payments.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		if b, _ := e.led.Balance(ctx, e.from); e.status(t, scheduled.ID) != payments.StatusCancelled || b.Scheduled != 0 {
			t.Fatalf("%s, scheduled %s", e.status(t, scheduled.ID), b.Scheduled)
		}
	})
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

// failingRunner queues nothing: every call fails, as a broken queue or a crash would.
type failingRunner struct{ err error }

func (r failingRunner) EnqueueTx(context.Context, *gorm.DB, uuid.UUID, time.Duration) error {
	return r.err
}
func (r failingRunner) SettleTx(context.Context, *gorm.DB, uuid.UUID, time.Duration) error {
	return r.err
}

func TestExecutionPostsAndFinishesInOneTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	count := func(table string) int64 {
		var n int64
		e.db.Table(table).Count(&n)
		return n
	}

	t.Run("AFailureAfterThePostingTakesThePostingBack", func(t *testing.T) {
		p, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "ted"}, Target: ted})
		if err != nil {
			t.Fatal(err)
		}
		e.q.drain()
		broken := payments.New(e.db, e.led, failingRunner{errors.New("queue is down")}, payments.Config{Rail: payments.SandboxRail{}})
		broken.SetClock(func() time.Time { return e.now })
		entries, before := count("ledger_entries"), e.balanceOf(t)
		if err := broken.Execute(ctx, p.ID); err == nil {
			t.Fatal("executed although settlement could not be queued")
		}
		if e.status(t, p.ID) != payments.StatusApproved || count("ledger_entries") != entries || e.balanceOf(t) != before {
			t.Fatalf("a failed execution left %s, entries %d → %d", e.status(t, p.ID), entries, count("ledger_entries"))
		}
		if err := e.svc.Execute(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if e.status(t, p.ID) != payments.StatusFinished || e.balanceOf(t) != before-1_000-350 {
			t.Fatalf("%s, balance %d", e.status(t, p.ID), e.balanceOf(t))
		}
	})

	t.Run("APostingCommittedByAnEarlierRunIsReplayedNotPaidTwice", func(t *testing.T) {
		// Made through consent and approved, so it waits for its execution (an own account's
		// transfer would have run in its creating transaction).
		p, err := e.svc.CreateInternalTransfer(ctx, auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent},
			payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 700, IdempotencyKey: "it"}, TargetAccountCode: e.toCode})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{p.ID}); err != nil || e.status(t, p.ID) != payments.StatusApproved {
			t.Fatalf("approve: %v", err)
		}
		e.q.drain()
		// What a two-transaction execution left when it crashed between posting and finishing.
		desc := "Transferência para " + p.Target.Name
		earlier, err := e.led.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "payment:" + p.ID.String(), From: e.from, To: e.to,
			Amount: 700, Description: desc, OperationID: &p.ID})
		if err != nil {
			t.Fatal(err)
		}
		before := e.balanceOf(t)
		if err := e.svc.Execute(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Get(ctx, p.ID)
		if payments.Status(got.Status) != payments.StatusFinished || got.LedgerTransactionID == nil || *got.LedgerTransactionID != earlier.ID || e.balanceOf(t) != before {
			t.Fatalf("%s %v, balance %d → %d", got.Status, got.LedgerTransactionID, before, e.balanceOf(t))
		}
	})

	t.Run("AFailedPaymentLeavesNoEntryAndConsumesNoLimit", func(t *testing.T) {
		p, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 5_000_000, IdempotencyKey: "over"}, Target: ted})
		if err != nil {
			t.Fatal(err)
		}
		entries, keys := count("ledger_entries"), count("ledger_idempotency_keys")
		used, _ := e.led.LimitUsage(ctx, e.from)
		e.run(t)
		got, _ := e.svc.Get(ctx, p.ID)
		after, _ := e.led.LimitUsage(ctx, e.from)
		if payments.Status(got.Status) != payments.StatusFailed || got.FailureReason == nil || *got.FailureReason != "insufficient_balance" ||
			count("ledger_entries") != entries || count("ledger_idempotency_keys") != keys || after.DailyUsed != used.DailyUsed {
			t.Fatalf("%s %v, entries %d → %d", got.Status, got.FailureReason, entries, count("ledger_entries"))
		}
	})
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

func (e *env) balanceOf(t *testing.T) int64 {
	t.Helper()
	b, err := e.led.Balance(context.Background(), e.from)
	if err != nil {
		t.Fatal(err)
	}
	return int64(b.Available)
}

// Every move saves the whole payment, target included: the typed target must come back from
// every read the moves start from (Take, and the raw scan of ExpireDue) as it was stored.
func TestTheTargetSurvivesEveryMove(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	finished, err := e.svc.CreateTED(ctx, auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "fin"}, Target: ted})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := e.svc.CreateTED(ctx, auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent}, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "exp"}, Target: ted})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t)
	e.now = e.now.Add(8 * 24 * time.Hour)
	if n, err := e.svc.ExpireDue(ctx); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	for _, id := range []uuid.UUID{finished.ID, expired.ID} {
		got, err := e.svc.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := finished.Target
		if got.Target != want || got.Target.Name != "Fornecedor Ltda" || got.Target.BankName == "" {
			t.Errorf("%s payment's target %+v, want %+v", got.Status, got.Target, want)
		}
	}
}

// Executions race each other (both directions between two accounts, every payment run twice at
// once, as a redelivered job would): each payment posts once, and the ledger adds up. The
// payments are made through consent and approved, so they wait for their executions.
func TestConcurrentExecutionsPostEachPaymentOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent}
	if _, err := e.led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "seed-to", AccountID: e.to, Amount: 100_000, From: ledger.SandboxCounterparty}); err != nil {
		t.Fatal(err)
	}
	var fromCode string
	if err := e.db.Raw("SELECT account_code FROM bank_accounts WHERE account_id = ?", e.from).Scan(&fromCode).Error; err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for i := range 20 {
		payer, code := e.from, e.toCode
		if i%2 == 1 {
			payer, code = e.to, fromCode
		}
		p, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: payer, Amount: money.Cents(100 + i), IdempotencyKey: fmt.Sprint("c", i)}, TargetAccountCode: code})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := e.svc.Approve(ctx, "holder:x", ids); err != nil {
		t.Fatal(err)
	}
	if q := e.q.drain(); len(q) != len(ids) {
		t.Fatalf("%d executions queued for %d approved payments", len(q), len(ids))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ids))
	for _, id := range ids {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.svc.Execute(ctx, id)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		if e.status(t, id) != payments.StatusFinished {
			t.Fatalf("%s is %s", id, e.status(t, id))
		}
	}
	var txns int64
	e.db.Table("ledger_transactions").Where("operation_id IN ?", ids).Count(&txns)
	a, _ := e.led.Balance(ctx, e.from)
	b, _ := e.led.Balance(ctx, e.to)
	moved := int64(a.Available) - 100_000 // each odd payment pays back 1 cent more than the even one before it
	if txns != int64(len(ids)) || moved != 10 || int64(b.Available) != 100_000-10 {
		t.Fatalf("%d postings for %d payments; balances %s %s", txns, len(ids), a.Available, b.Available)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

// An instant transfer retried while it runs (the same mutation sent again and again at once, as
// an impatient client does) is created and posted once: every answer is that one payment,
// FINISHED, with its one ledger transaction.
func TestConcurrentRetriesOfAnInstantTransferPostOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	in := payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 1_234, IdempotencyKey: "retried"}, TargetAccountCode: e.toCode}
	const tries = 8
	type answer struct {
		p   *models.Payment
		err error
	}
	answers := make(chan answer, tries)
	var wg sync.WaitGroup
	for range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := e.svc.CreateInternalTransfer(ctx, o, in)
			answers <- answer{p, err}
		}()
	}
	wg.Wait()
	close(answers)
	var id uuid.UUID
	for a := range answers {
		if a.err != nil || payments.Status(a.p.Status) != payments.StatusFinished || a.p.LedgerTransactionID == nil {
			t.Fatalf("%+v %v", a.p, a.err)
		}
		if id == uuid.Nil {
			id = a.p.ID
		} else if a.p.ID != id {
			t.Fatalf("two payments for one key: %s and %s", id, a.p.ID)
		}
	}
	var payms, txns, evs int64
	e.db.Table("payments").Where("idempotency_key = ?", "retried").Count(&payms)
	e.db.Table("ledger_transactions").Where("operation_id = ?", id).Count(&txns)
	e.db.Table("events").Where("payment_id = ? AND topic = ?", id, "payment").Count(&evs)
	if b, _ := e.led.Balance(ctx, e.from); payms != 1 || txns != 1 || evs != 2 || b.Available != 100_000-1_234 {
		t.Fatalf("%d payments, %d postings, %d events, balance %s", payms, txns, evs, b.Available)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

// TestAnInstantTransfersEventsAreWrittenWithItsPosting: the payment's move to FINISHED and every
// event of an instant transfer are written by the posting's statement (ledger Movement.Ahead),
// in the order they happened: approved, the entries, finished. A refused one forgets the move
// written ahead and is FAILED with its reason, with approved and failed alone and nothing posted.
func TestAnInstantTransfersEventsAreWrittenWithItsPosting(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	names := func(id uuid.UUID) []string {
		var out []string
		e.db.Table("events").Where("payment_id = ?", id).Order("id").Pluck("name", &out)
		return out
	}
	ok, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 900, IdempotencyKey: "ahead"}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(ok.Status) != payments.StatusFinished || ok.LedgerTransactionID == nil || ok.FinishedAt == nil {
		t.Fatalf("%+v %v", ok, err)
	}
	stored, _ := e.svc.Get(ctx, ok.ID)
	if payments.Status(stored.Status) != payments.StatusFinished || *stored.LedgerTransactionID != *ok.LedgerTransactionID {
		t.Fatalf("stored %s %v, answered %v", stored.Status, stored.LedgerTransactionID, ok.LedgerTransactionID)
	}
	want := []string{"cash_out_internal_transfer_approved", ledger.EventStatementEntryAdded, ledger.EventCashInInternalTransfer, "cash_out_internal_transfer_finished"}
	if got := names(ok.ID); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events %v, want %v", got, want)
	}

	refused, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 50_000_000, IdempotencyKey: "refused"}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(refused.Status) != payments.StatusFailed || refused.LedgerTransactionID != nil || refused.FinishedAt != nil {
		t.Fatalf("%+v %v", refused, err)
	}
	if got := names(refused.ID); fmt.Sprint(got) != fmt.Sprint([]string{"cash_out_internal_transfer_approved", "cash_out_internal_transfer_failed"}) {
		t.Fatalf("refused transfer's events %v", got)
	}
	var txns int64
	e.db.Table("ledger_transactions").Where("operation_id = ?", refused.ID).Count(&txns)
	if txns != 0 {
		t.Fatalf("a refused transfer posted %d transactions", txns)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

// TestAPaymentFromAnAccountThatCannotPayIsRefusedAndStoresNothing: a payer's account that is not
// approved refuses the creation (accounts.CheckCanPay, after the insert claimed the key) and
// leaves no payment (an account that does not exist never gets here: authorization refuses it
// first, and the payment's foreign key would); a retry of a stored payment's key still answers
// that payment after its account was blocked.
func TestAPaymentFromAnAccountThatCannotPayIsRefusedAndStoresNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	in := func(account uuid.UUID, key string) payments.InternalTransferInput {
		return payments.InternalTransferInput{Common: payments.Common{AccountID: account, Amount: 100, IdempotencyKey: key}, TargetAccountCode: e.toCode}
	}
	first, err := e.svc.CreateInternalTransfer(ctx, o, in(e.from, "before-block"))
	if err != nil || payments.Status(first.Status) != payments.StatusFinished {
		t.Fatalf("%+v %v", first, err)
	}
	if err := e.db.Exec("UPDATE accounts SET status = 'BLOCKED' WHERE id = ?", e.from).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateInternalTransfer(ctx, o, in(e.from, "blocked")); apperr.CodeOf(err) != apperr.AccountNotApproved {
		t.Fatalf("a blocked payer: %v, want ACCOUNT_NOT_APPROVED", err)
	}
	var stored int64
	e.db.Table("payments").Where("idempotency_key = ?", "blocked").Count(&stored)
	if stored != 0 {
		t.Fatalf("%d refused payments stored", stored)
	}
	again, err := e.svc.CreateInternalTransfer(ctx, o, in(e.from, "before-block"))
	if err != nil || again.ID != first.ID {
		t.Fatalf("a retry after the block answered %+v %v, want payment %s", again, err, first.ID)
	}
}
