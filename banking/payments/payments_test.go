package payments_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// queue records what the service hands to its runner; the test runs it.
type queue struct {
	mu     sync.Mutex
	ids    []uuid.UUID
	settle []uuid.UUID
}

func (q *queue) EnqueueTx(_ context.Context, _ *gorm.DB, id uuid.UUID, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
	return nil
}

func (q *queue) SettleTx(_ context.Context, _ *gorm.DB, id uuid.UUID, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle = append(q.settle, id)
	return nil
}

func (q *queue) drainSettle() []uuid.UUID {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := q.settle
	q.settle = nil
	return ids
}

func (q *queue) drain() []uuid.UUID {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := q.ids
	q.ids = nil
	return ids
}

type env struct {
	db       *gorm.DB
	accs     *accounts.Service
	svc      *payments.Service
	led      *ledger.Service
	q        *queue
	now      time.Time
	from, to uuid.UUID
	toCode   string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, _ := testdb.Open(t)
	accs, err := accounts.New(ctx, db, accounts.Config{DefaultPlan: "standard"})
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, accs: accs, led: led, q: &queue{}, now: at(2026, 11, 23, 10, 0)}
	open := func(doc string) *models.Account {
		a, err := accs.Create(ctx, nil, accounts.CreateInput{Name: "Conta " + doc[:3], Email: "c@example.com", Document: doc})
		if err != nil {
			t.Fatal(err)
		}
		a, err = accs.Review(ctx, a.ID, accounts.DecisionApprove, nil, "op")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	from, to := open("24843803480"), open("23858488135")
	e.from, e.to, e.toCode = from.ID, to.ID, to.BankAccount.AccountCode
	e.svc = payments.New(db, led, e.q, payments.Config{Rail: payments.SandboxRail{}})
	e.svc.SetClock(func() time.Time { return e.now })
	led.SetClock(func() time.Time { return e.now })
	if _, err := led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "seed", AccountID: from.ID, Amount: 100_000, From: ledger.SandboxCounterparty}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) run(t *testing.T) {
	t.Helper()
	for _, id := range e.q.drain() {
		if err := e.svc.Execute(context.Background(), id); err != nil {
			t.Fatalf("execute %s: %v", id, err)
		}
	}
}

func (e *env) status(t *testing.T, id uuid.UUID) payments.Status {
	p, err := e.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return payments.Status(p.Status)
}

var ted = payments.TEDTarget{BankCode: "341", BranchCode: "1234", AccountCode: "56789-0", Name: "Fornecedor Ltda", Document: "11222333000181"}

// A payment on the tenant's own account needs no approval: an internal transfer runs in the
// transaction that creates it (FINISHED in the answer, posted, never queued, two events in that
// one transaction: APPROVED, then FINISHED, no CREATED), a TED waits for its job.
func TestTreasuryPaymentsRunWithoutApproval(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	in := payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 10_000, IdempotencyKey: "k1"}, TargetAccountCode: e.toCode}
	it, err := e.svc.CreateInternalTransfer(ctx, o, in)
	if err != nil || payments.Status(it.Status) != payments.StatusFinished || it.ApprovalStatus != nil || it.LedgerTransactionID == nil || it.FinishedAt == nil {
		t.Fatalf("%+v %v", it, err)
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Available != 100_000-10_000 {
		t.Fatalf("balance %d right after the transfer's creation", b.Available)
	}
	var evs []struct {
		FromStatus *string
		ToStatus   string
		Actor      string
		XID        string
	}
	if err := e.db.Raw("SELECT from_status, to_status, actor, xid::text AS xid FROM events WHERE payment_id = ? AND topic = 'payment' ORDER BY id", it.ID).Scan(&evs).Error; err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].FromStatus != nil || evs[0].ToStatus != "APPROVED" || evs[0].Actor != "tenant:erp" ||
		evs[1].FromStatus == nil || *evs[1].FromStatus != "APPROVED" || evs[1].ToStatus != "FINISHED" || evs[0].XID != evs[1].XID {
		t.Fatalf("events %+v, want APPROVED then FINISHED in one transaction", evs)
	}
	tp, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 5_000, IdempotencyKey: "k2"}, Target: ted})
	if err != nil || payments.Status(tp.Status) != payments.StatusApproved || tp.FeeCents != 350 || tp.ApprovalStatus != nil {
		t.Fatalf("%+v %v", tp, err)
	}
	if q := e.q.drain(); len(q) != 1 || q[0] != tp.ID {
		t.Fatalf("queued %v, want the TED alone", q)
	}
	e.q.ids = []uuid.UUID{tp.ID, it.ID} // a stray execution of the instant transfer finds nothing to do
	e.run(t)
	if e.status(t, it.ID) != payments.StatusFinished || e.status(t, tp.ID) != payments.StatusFinished {
		t.Fatalf("statuses %s %s", e.status(t, it.ID), e.status(t, tp.ID))
	}
	b, _ := e.led.Balance(ctx, e.from)
	if b.Available != 100_000-10_000-5_000-350 {
		t.Fatalf("balance %d", b.Available)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
	// Retrying the mutation answers the same finished payment and moves nothing.
	again, err := e.svc.CreateInternalTransfer(ctx, o, in)
	if err != nil || again.ID != it.ID || payments.Status(again.Status) != payments.StatusFinished || *again.LedgerTransactionID != *it.LedgerTransactionID {
		t.Fatalf("replay: %+v %v", again, err)
	}
	if b2, _ := e.led.Balance(ctx, e.from); b2 != b || len(e.q.drain()) != 0 {
		t.Fatal("a replay moved money or queued a job")
	}
}

func TestApprovalFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent}
	mk := func(key string, amount money.Cents) uuid.UUID {
		p, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: amount, IdempotencyKey: key}, TargetAccountCode: e.toCode})
		if err != nil || payments.Status(p.Status) != payments.StatusCreated || *p.ApprovalStatus != "PENDING" {
			t.Fatalf("%+v %v", p, err)
		}
		return p.ID
	}
	a, b, c := mk("a", 100), mk("b", 200), mk("c", 300)
	if ids := e.q.drain(); len(ids) != 0 {
		t.Fatalf("CREATED payments were queued: %v", ids)
	}
	if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{a, b}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reject(ctx, "holder:x", []uuid.UUID{c}, nil); err != nil {
		t.Fatal(err)
	}
	e.run(t)
	if e.status(t, a) != payments.StatusFinished || e.status(t, b) != payments.StatusFinished || e.status(t, c) != payments.StatusRejected {
		t.Fatal("statuses after decisions")
	}
	t.Run("ErrDecidingTwiceChangesNothing", func(t *testing.T) {
		_, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{c})
		if e2, ok := apperr.As(err); !ok || e2.Code != apperr.InvalidState {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ScheduledPaymentExpiresWhenItsDayComesFirst", func(t *testing.T) {
		day := brazil.NewDate(2026, 11, 25)
		p, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 500, IdempotencyKey: "sch-appr", ScheduledFor: &day}, Target: ted})
		if err != nil || p.ApprovalExpiresAt == nil || !p.ApprovalExpiresAt.Equal(at(2026, 11, 25, 6, 30)) {
			t.Fatalf("approval deadline %v (%v), want the TED window's opening on its day", p.ApprovalExpiresAt, err)
		}
		e.now = at(2026, 11, 25, 6, 31)
		if n, err := e.svc.ExpireDue(ctx); err != nil || n != 1 || e.status(t, p.ID) != payments.StatusExpired {
			t.Fatalf("%d %v %s", n, err, e.status(t, p.ID))
		}
		e.now = at(2026, 11, 23, 10, 0)
	})
	t.Run("ExpiresWhenNotApprovedInTime", func(t *testing.T) {
		d := mk("d", 400)
		e.now = e.now.Add(7*24*time.Hour + time.Second)
		if n, err := e.svc.ExpireDue(ctx); err != nil || n != 1 || e.status(t, d) != payments.StatusExpired {
			t.Fatalf("%d %v %s", n, err, e.status(t, d))
		}
	})
}

func TestSchedulesAndFailures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	e.now = at(2026, 11, 27, 18, 0) // Friday evening
	p, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "fri"}, Target: ted})
	if err != nil || payments.Status(p.Status) != payments.StatusDelayed || brazil.DateOf(p.RunOn) != brazil.NewDate(2026, 11, 30) {
		t.Fatalf("%+v %v", p, err)
	}
	if err := e.svc.Execute(ctx, p.ID); err != payments.ErrNotDue {
		t.Fatalf("ran before its day: %v", err)
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Scheduled != 1_000+350 {
		t.Fatalf("a delayed TED reserves %d, want amount and fee", b.Scheduled)
	}
	e.now = at(2026, 11, 30, 6, 31)
	e.run(t)
	if e.status(t, p.ID) != payments.StatusFinished {
		t.Fatalf("status %s on Monday", e.status(t, p.ID))
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Scheduled != 0 {
		t.Fatalf("after running, %d still scheduled", b.Scheduled)
	}

	day := brazil.NewDate(2026, 12, 10)
	sch, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "sch", ScheduledFor: &day}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(sch.Status) != payments.StatusScheduled {
		t.Fatalf("%+v %v", sch, err)
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Scheduled != 1_000 {
		t.Fatalf("scheduled balance %d, want 1000", b.Scheduled)
	}
	if c, err := e.svc.Cancel(ctx, "tenant:erp", sch.ID); err != nil || payments.Status(c.Status) != payments.StatusCancelled {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Scheduled != 0 {
		t.Fatalf("cancelling left %d scheduled", b.Scheduled)
	}

	// An instant transfer the payer cannot cover is created FAILED, with its reason, and posts nothing.
	e.q.drain() // the cancelled schedule's job, which would find nothing to run
	var entries int64
	e.db.Model(&struct{}{}).Table("ledger_entries").Count(&entries)
	big, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 1_000_000, IdempotencyKey: "big"}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(big.Status) != payments.StatusFailed || big.FailureReason == nil || *big.FailureReason != "insufficient_balance" {
		t.Fatalf("overdraft answered %+v %v", big, err)
	}
	got, _ := e.svc.Get(ctx, big.ID)
	var after int64
	e.db.Model(&struct{}{}).Table("ledger_entries").Count(&after)
	if payments.Status(got.Status) != payments.StatusFailed || got.FailureReason == nil || *got.FailureReason != "insufficient_balance" || after != entries || len(e.q.drain()) != 0 {
		t.Fatalf("overdraft: %s %v, entries %d → %d", got.Status, got.FailureReason, entries, after)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	stone := ted
	stone.BankCode = "197"
	cases := map[string]struct {
		err  error
		code apperr.Code
	}{}
	_, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1, IdempotencyKey: "s"}, Target: stone})
	cases["TEDToStoneIsRefused"] = struct {
		err  error
		code apperr.Code
	}{err, apperr.Invalid}
	_, err = e.svc.PayBarcode(ctx, o, payments.BarcodeInput{Common: payments.Common{AccountID: e.from, IdempotencyKey: "b"}, Code: "00191965600001234561399701652656460839680087"})
	cases["BadBarcode"] = struct {
		err  error
		code apperr.Code
	}{err, apperr.InvalidBarcode}
	_, err = e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 0, IdempotencyKey: "z"}, TargetAccountCode: e.toCode})
	cases["ZeroAmount"] = struct {
		err  error
		code apperr.Code
	}{err, apperr.Invalid}
	for name, c := range cases {
		if e2, ok := apperr.As(c.err); !ok || e2.Code != c.code {
			t.Errorf("%s: %v, want %s", name, c.err, c.code)
		}
	}
	first, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 5, IdempotencyKey: "same"}, TargetAccountCode: e.toCode})
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 5, IdempotencyKey: "same"}, TargetAccountCode: e.toCode})
	if err != nil || again.ID != first.ID {
		t.Fatalf("replay: %v %v", again, err)
	}
	if _, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: e.from, Amount: 6, IdempotencyKey: "same"}, TargetAccountCode: e.toCode}); apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
		t.Fatalf("reuse: %v", err)
	}
}

func TestRailReturnsAreRefunded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	returned, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_013, IdempotencyKey: "ret"}, Target: ted})
	if err != nil {
		t.Fatal(err)
	}
	settled, err := e.svc.CreateTED(ctx, o, payments.TEDInput{Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "ok"}, Target: ted})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t)
	before, _ := e.led.Balance(ctx, e.from)
	for _, id := range e.q.drainSettle() {
		if err := e.svc.Settle(ctx, id); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Settle(ctx, id); err != nil { // twice is harmless
			t.Fatal(err)
		}
	}
	if e.status(t, returned.ID) != payments.StatusRefunded || e.status(t, settled.ID) != payments.StatusFinished {
		t.Fatalf("statuses %s %s", e.status(t, returned.ID), e.status(t, settled.ID))
	}
	after, _ := e.led.Balance(ctx, e.from)
	if after.Available-before.Available != 1_013+350 {
		t.Fatalf("refund credited %d, want amount and fee back", after.Available-before.Available)
	}
	if _, err := e.svc.Refund(ctx, returned.ID, "operator:x", "again"); apperr.CodeOf(err) != apperr.InvalidState {
		t.Fatalf("refunding twice: %v", err)
	}
	if r, err := e.led.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}
