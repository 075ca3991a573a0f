package ledger_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/money"
)

// env is a fresh database with a ledger and the accounts service that opens accounts in it.
type env struct {
	db       *gorm.DB
	ledger   *ledger.Service
	accounts *accounts.Service
	clock    *clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db, _ := testdb.Open(t)
	ctx := context.Background()
	acc, err := accounts.New(ctx, db, accounts.Config{BranchCode: "0001", DefaultPlan: "standard"})
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, ledger: led, accounts: acc}
}

// withClock makes the ledger read a clock the test moves.
func (e *env) withClock(start time.Time) *clock {
	e.clock = &clock{}
	e.clock.Set(start)
	e.ledger.SetClock(e.clock.Now)
	return e.clock
}

var docSeq atomic.Int64

// approved opens an account with a fresh CPF and approves it (payment account, standard plan).
func (e *env) approved(t testing.TB) uuid.UUID {
	t.Helper()
	id := e.pending(t)
	if _, err := e.accounts.Review(context.Background(), id, accounts.DecisionApprove, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return id
}

// pending opens an account that KYC has not approved.
func (e *env) pending(t testing.TB) uuid.UUID {
	t.Helper()
	acc, err := e.accounts.Create(context.Background(), nil, accounts.CreateInput{
		Name: "Cliente " + strconv.FormatInt(docSeq.Load(), 10), Email: "c@example.com", Document: newCPF()})
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

// deposit credits amount to account, failing the test on error.
func (e *env) deposit(t testing.TB, account uuid.UUID, amount money.Cents) *ledger.Transaction {
	t.Helper()
	txn, err := e.ledger.Deposit(context.Background(), ledger.DepositInput{
		IdempotencyKey: uuid.NewString(), AccountID: account, Amount: amount, From: ledger.SandboxCounterparty})
	if err != nil {
		t.Fatalf("deposit %s: %v", amount, err)
	}
	return txn
}

func (e *env) balance(t testing.TB, account uuid.UUID) money.Cents {
	t.Helper()
	b, err := e.ledger.Balance(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

// count returns the rows of a table, for tests that prove nothing was written.
func (e *env) count(t testing.TB, table string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) mustVerify(t testing.TB) ledger.Report {
	t.Helper()
	r, err := e.ledger.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("ledger does not add up:\n%s", r.String())
	}
	return r
}

// newCPF returns a valid CPF no other call returned: a sequence number and its check digits.
func newCPF() string {
	base := fmt.Sprintf("%09d", 100_000_000+docSeq.Add(1))
	d := []int{}
	for _, r := range base {
		d = append(d, int(r-'0'))
	}
	for _, length := range []int{9, 10} {
		sum := 0
		for i := 0; i < length; i++ {
			sum += d[i] * (length + 1 - i)
		}
		dv := 11 - sum%11
		if dv >= 10 {
			dv = 0
		}
		d = append(d, dv)
	}
	out := make([]byte, len(d))
	for i, v := range d {
		out[i] = byte('0' + v)
	}
	return string(out)
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var saoPaulo = func() *time.Location {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		panic(err)
	}
	return loc
}()

func ptr[T any](v T) *T { return &v }
