package boletos_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// jobs records what the services queue, as the River runners would insert it; the tests run it
// by calling the services, at the clock they choose.
type jobs struct {
	mu                         sync.Mutex
	execute, register, credits []uuid.UUID
}

func (q *jobs) EnqueueTx(_ context.Context, _ *gorm.DB, id uuid.UUID, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.execute = append(q.execute, id)
	return nil
}

func (q *jobs) SettleTx(context.Context, *gorm.DB, uuid.UUID, time.Duration) error { return nil }

func (q *jobs) RegisterTx(_ *gorm.DB, id uuid.UUID, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.register = append(q.register, id)
	return nil
}

func (q *jobs) CreditTx(_ *gorm.DB, id uuid.UUID, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.credits = append(q.credits, id)
	return nil
}

func (q *jobs) take(list *[]uuid.UUID) []uuid.UUID {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := *list
	*list = nil
	return out
}

type env struct {
	db           *gorm.DB
	led          *ledger.Service
	pay          *payments.Service
	svc          *boletos.Service
	q            *jobs
	mu           sync.Mutex
	now          time.Time
	issuer       uuid.UUID // the beneficiary's account
	payer, other uuid.UUID // two accounts that pay
}

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, saopaulo.Location)
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) set(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

func newEnv(t *testing.T, now time.Time) *env {
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
	e := &env{db: db, led: led, q: &jobs{}, now: now}
	open := func(name, doc string) uuid.UUID {
		a, err := accs.Create(ctx, nil, accounts.CreateInput{Name: name, Email: "c@example.com", Document: doc})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = accs.Review(ctx, a.ID, accounts.DecisionApprove, nil, "op"); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	e.issuer, e.payer, e.other = open("Beneficiária Ltda", "11222333000181"), open("Pagador Um", "24843803480"), open("Pagador Dois", "23858488135")
	e.pay = payments.New(db, led, e.q, payments.Config{Rail: payments.SandboxRail{}})
	e.svc = boletos.New(db, led, e.q, boletos.Config{})
	e.pay.SetReceivables(e.svc)
	e.pay.SetClock(e.clock)
	e.svc.SetClock(e.clock)
	led.SetClock(e.clock)
	for _, id := range []uuid.UUID{e.payer, e.other} {
		if _, err := led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "seed-" + id.String(), AccountID: id, Amount: 5_000_000, From: ledger.SandboxCounterparty}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

var issuer = boletos.Issuer{Actor: "tenant:test"}

// cobranca is a valid COBRANCA of amount, due on due, with a 2 % fine, 1 % a month interest
// and a 5 % discount until the due date.
func cobranca(e *env, key string, amount money.Cents, due brazil.Date) boletos.IssueInput {
	limit := due.AddDays(30)
	return boletos.IssueInput{AccountID: e.issuer, Kind: boletos.KindCobranca, Amount: amount, DueDate: due, LimitDate: &limit,
		Customer: boletos.CustomerInput{Name: "Cliente Pagador S.A.", Document: "24843803480"},
		Fine:     &boletos.FineInput{RateBP: 200}, Interest: &boletos.InterestInput{MonthlyRateBP: 100},
		Discounts:      []boletos.DiscountInput{{RateBP: 500, Until: due}},
		IdempotencyKey: key}
}

func (e *env) issue(t *testing.T, in boletos.IssueInput) *models.Boleto {
	t.Helper()
	b, err := e.svc.Issue(context.Background(), issuer, in)
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return b
}

// payBarcode pays code from account with the owner's grant (no approval), returning the payment.
func (e *env) payBarcode(account uuid.UUID, code, key string) (*models.Payment, error) {
	return e.pay.PayBarcode(context.Background(), auth.Grant{Actor: "tenant:payer", Basis: auth.ByOwnership},
		payments.BarcodeInput{Common: payments.Common{AccountID: account, IdempotencyKey: key}, Code: code})
}

// runPayments executes every queued payment.
func (e *env) runPayments(t *testing.T) {
	t.Helper()
	for _, id := range e.q.take(&e.q.execute) {
		if err := e.pay.Execute(context.Background(), id); err != nil {
			t.Fatalf("execute %s: %v", id, err)
		}
	}
}

func (e *env) get(t *testing.T, id uuid.UUID) *models.Boleto {
	t.Helper()
	b, err := e.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) balance(t *testing.T, id uuid.UUID) money.Cents {
	t.Helper()
	b, err := e.led.Balance(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
