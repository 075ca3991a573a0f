package payroll_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// queue records the run jobs the service inserts; the test runs them (as River would).
type queue struct {
	mu   sync.Mutex
	runs []uuid.UUID
}

func (q *queue) insert(_ context.Context, _ *gorm.DB, args river.JobArgs, _ *river.InsertOpts) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.runs = append(q.runs, args.(payroll.RunArgs).PayrollID)
	return nil
}

type env struct {
	db    *gorm.DB
	led   *ledger.Service
	svc   *payroll.Service
	q     *queue
	payer uuid.UUID
	grant auth.Grant
	staff []payroll.Line
	ids   []uuid.UUID // the staff's accounts
}

// newEnv opens a funded Treasury account and three employees' accounts, through package
// accounts as the API would.
func newEnv(t *testing.T, cfg payroll.Config) *env {
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
	var tenantID string
	if err := db.Raw(`INSERT INTO tenants (client_id, name) VALUES ('folha-erp', 'Folha ERP') RETURNING id::text`).Scan(&tenantID).Error; err != nil {
		t.Fatal(err)
	}
	tenant := uuid.MustParse(tenantID)
	open := func(name, doc string, owner *uuid.UUID) *models.Account {
		a, err := accs.Create(ctx, owner, accounts.CreateInput{Name: name, Email: "c@example.com", Document: doc})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = accs.Review(ctx, a.ID, accounts.DecisionApprove, nil, "op"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	e := &env{db: db, led: led, q: &queue{}, grant: auth.Grant{TenantID: &tenant, Actor: "tenant:folha-erp", Basis: auth.ByOwnership}}
	e.payer = open("Empresa", "11222333000181", &tenant).ID
	for i, doc := range []string{"24843803480", "23858488135", "52998224725"} {
		a := open("Funcionário "+doc[:3], doc, nil)
		e.staff = append(e.staff, payroll.Line{Name: a.Name, Document: doc, AccountCode: a.BankAccount.AccountCode, Amount: money.Cents(1_000 * (i + 1))})
		e.ids = append(e.ids, a.ID)
	}
	if _, err := led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "seed", AccountID: e.payer, Amount: 100_000, From: ledger.SandboxCounterparty}); err != nil {
		t.Fatal(err)
	}
	pays := payments.New(db, led, nil, payments.Config{})
	e.svc = payroll.New(db, led, pays, e.q.insert, cfg)
	return e
}

func (e *env) create(t *testing.T, key string) *models.Payroll {
	t.Helper()
	p, err := e.svc.Create(context.Background(), e.grant, payroll.Input{AccountID: e.payer, Lines: e.staff, IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) summary(t *testing.T, id uuid.UUID) payroll.Summary {
	t.Helper()
	s, err := e.svc.Summaries(context.Background(), []uuid.UUID{id})
	if err != nil {
		t.Fatal(err)
	}
	return s[id]
}

func (e *env) balance(t *testing.T, id uuid.UUID) int64 {
	t.Helper()
	b, err := e.led.Balance(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return int64(b.Available)
}

func TestRunInSlicesPaysEachSalaryOnce(t *testing.T) {
	e := newEnv(t, payroll.Config{Batch: 1})
	p := e.create(t, "folha")
	if len(e.q.runs) != 1 || e.q.runs[0] != p.ID || p.Status != "CREATED" {
		t.Fatalf("runs %v, payroll %+v", e.q.runs, p)
	}
	ctx := context.Background()
	// A slice of nothing: one batch (one salary) per call, as a run interrupted again and again.
	for calls := 1; ; calls++ {
		done, err := e.svc.Run(ctx, p.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			if calls != 4 {
				t.Fatalf("done after %d calls, want 3 batches and the finish", calls)
			}
			break
		}
	}
	if done, err := e.svc.Run(ctx, p.ID, time.Minute); err != nil || !done { // a finished payroll is left alone
		t.Fatalf("run again: %v %v", done, err)
	}
	got, _ := e.svc.Get(ctx, p.ID)
	if got.Status != "FINISHED" || got.FinishedAt == nil || e.summary(t, p.ID) != (payroll.Summary{Finished: 3}) {
		t.Fatalf("payroll %+v summary %+v", got, e.summary(t, p.ID))
	}
	for i, id := range e.ids {
		if b := e.balance(t, id); b != int64(e.staff[i].Amount) {
			t.Fatalf("employee %d has %d, want %d", i, b, e.staff[i].Amount)
		}
	}
	if b := e.balance(t, e.payer); b != 100_000-6_000 {
		t.Fatalf("payer has %d", b)
	}
}

func TestATargetThatCannotReceiveAnyMoreFailsItsSalaryOnly(t *testing.T) {
	e := newEnv(t, payroll.Config{})
	p := e.create(t, "folha")
	if err := e.db.Exec(`UPDATE accounts SET status = 'BLOCKED' WHERE id = ?`, e.ids[1]).Error; err != nil {
		t.Fatal(err)
	}
	if done, err := e.svc.Run(context.Background(), p.ID, time.Minute); err != nil || !done {
		t.Fatalf("run: %v %v", done, err)
	}
	got, _ := e.svc.Get(context.Background(), p.ID)
	if got.Status != "PARTIALLY_FAILED" || e.summary(t, p.ID) != (payroll.Summary{Finished: 2, Failed: 1}) {
		t.Fatalf("payroll %s summary %+v", got.Status, e.summary(t, p.ID))
	}
	var reason string
	e.db.Raw(`SELECT failure_reason FROM payments WHERE kind = 'PAYROLL' AND status = 'FAILED'`).Scan(&reason)
	if reason != payments.ReasonInvalidTargetAccount {
		t.Fatalf("failure reason %q", reason)
	}
}

func TestIdempotencyAndTheTreasuryRule(t *testing.T) {
	e := newEnv(t, payroll.Config{})
	ctx := context.Background()
	p := e.create(t, "folha")
	if again := e.create(t, "folha"); again.ID != p.ID || len(e.q.runs) != 1 {
		t.Fatalf("the same request again made %s (runs %v)", again.ID, e.q.runs)
	}
	other := append([]payroll.Line{}, e.staff[:2]...)
	_, err := e.svc.Create(ctx, e.grant, payroll.Input{AccountID: e.payer, Lines: other, IdempotencyKey: "folha"})
	if apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
		t.Fatalf("another payroll under the same key: %v", err)
	}
	consented := e.grant
	consented.Basis = auth.ByConsent
	_, err = e.svc.Create(ctx, consented, payroll.Input{AccountID: e.payer, Lines: e.staff, IdempotencyKey: "consent"})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("a payroll through consent: %v", err)
	}
	both := payroll.Input{AccountID: e.payer, Lines: e.staff, File: &payroll.File{Filename: "f.csv", Content: strings.NewReader("")}, IdempotencyKey: "both"}
	if _, err := e.svc.Create(ctx, e.grant, both); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("lines and file: %v", err)
	}
}
