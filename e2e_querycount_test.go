package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/devseed"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// countedOperation is the operation name whose SQL statements a queryCounter counts.
const countedOperation = "QueryCount"

// queryCounter counts the SQL statements gorm runs for GraphQL operations named countedOperation,
// and no others: the requests that set up the data, the authentication before the operation
// starts and any background work are left out.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) register(t testing.TB, db *gorm.DB) {
	t.Helper()
	count := func(tx *gorm.DB) {
		ctx := tx.Statement.Context
		if ctx == nil || !graphql.HasOperationContext(ctx) {
			return
		}
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Name == countedOperation {
			c.n.Add(1)
		}
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().Before("gorm:query").Register("test:count_query", count),
		"row":    cb.Row().Before("gorm:row").Register("test:count_row", count),
		"raw":    cb.Raw().Before("gorm:raw").Register("test:count_raw", count),
		"create": cb.Create().Before("gorm:create").Register("test:count_create", count),
		"update": cb.Update().Before("gorm:update").Register("test:count_update", count),
		"delete": cb.Delete().Before("gorm:delete").Register("test:count_delete", count),
	} {
		if err != nil {
			t.Fatalf("register %s callback: %v", name, err)
		}
	}
}

// startCountingServer is startServer with a queryCounter on the server's own database handle.
// The job queue is not started: the test reads only.
func startCountingServer(t *testing.T) (*testServer, *queryCounter) {
	t.Helper()
	dsn := testdb.New(t)
	vars := map[string]string{"DATABASE_URL": dsn, "DB_MAX_OPEN_CONNS": "5", "SHUTDOWN_TIMEOUT": "2s"}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	publicURL := cfg.publicURL(port)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	pool, db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	counter := &queryCounter{}
	counter.register(t, db)
	id, err := newIdentity(ctx, cfg, port, publicURL, db, log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, id, publicURL, pool, db, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := devseed.Seed(ctx, db, a.accounts, a.ledger, devseed.DemoHolder()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.listen(ctx, cfg, ln, nil, routes(cfg, id, a, http.NotFoundHandler(), log), nil, log) }()
	t.Cleanup(func() { closeDatabase(pool, db) }) // runs after the server has stopped
	stopOnCleanup(t, cancel, done)
	// The job queue executes the payments the test makes (their entries' payment edges count too).
	if err := a.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.stopJobs(cfg.ShutdownTimeout, log) }) // before the server stops and the database closes
	s := &testServer{URL: fmt.Sprintf("http://localhost:%d", port), Issuer: fmt.Sprintf("http://localhost:%d/idp", port), DSN: dsn}
	waitHealthy(t, s.URL, done)
	return s, counter
}

// TestAccountsPageQueryCountDoesNotGrowWithThePage: a page of 20 accounts with their balances,
// limits, statements (with each entry's payment), payments, contacts (with their bank accounts),
// boletos and boleto limits costs the same number of SQL statements as a page of one.
// An edge resolved one account at a time makes the page of 20 cost more and fails it.
func TestAccountsPageQueryCountDoesNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	s, counter := startCountingServer(t)
	tok := tenantToken(t, s)
	for i := 0; i < 20; i++ {
		approvedAccount(t, s, tok, cpfFor(i))
	}
	// Every account on the pages has a movement: a statement page is the same work for each.
	var all struct{ Nodes []struct{ ID string } }
	gql(t, s, tok, `{ accounts(first: 50) { nodes { id } } }`, nil).decode(t, "accounts", &all)
	if len(all.Nodes) < 20 {
		t.Fatalf("%d accounts, want at least 20", len(all.Nodes))
	}
	for i, n := range all.Nodes {
		deposit(t, s, tok, n.ID, "10.00", fmt.Sprintf("qc-%d", i))
		// And a contact with a bank account and a boleto: each account's contacts (with their
		// bank accounts) and boletos are read too.
		createContact(t, s, tok, map[string]any{"accountId": n.ID, "name": "Fornecedor", "document": cpfFor(100 + i),
			"bankAccounts": []any{map[string]any{"bankCode": "341", "branchCode": "1", "accountCode": "56789-0"}}})
		issueMatrixBoleto(t, s, tok, n.ID, fmt.Sprintf("qc-boleto-%d", i))
	}
	// And a payment's entries: an account after the pages pays each of the first 20, so every
	// statement page has an entry whose payment (StatementEntry.payment) is read and authorized,
	// and that payment's account is the same one for both pages.
	payer := approvedAccount(t, s, tok, cpfFor(20))
	deposit(t, s, tok, payer, "100.00", "qc-payer")
	var codes struct {
		Nodes []struct{ BankAccount struct{ AccountCode string } }
	}
	gql(t, s, tok, `{ accounts(first: 20) { nodes { bankAccount { accountCode } } } }`, nil).decode(t, "accounts", &codes)
	var transfers []string
	for i, c := range codes.Nodes {
		var p paymentPayload
		gql(t, s, tok, `mutation($a: ID!, $code: String!, $key: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: $key}) { `+paymentFields+` } }`,
			map[string]any{"a": payer, "code": c.BankAccount.AccountCode, "key": fmt.Sprintf("qc-pay-%d", i)}).decode(t, "createInternalTransfer", &p)
		if p.Payment == nil {
			t.Fatalf("transfer %d: %+v", i, p.UserErrors)
		}
		transfers = append(transfers, p.Payment.ID)
	}
	for _, id := range transfers {
		waitStatus(t, s, tok, id, "FINISHED")
	}

	const q = `query ` + countedOperation + `($n: Int!) { accounts(first: $n) { nodes {
		balance { available { amount } }
		limits { daily { amount } dailyUsed { amount } monthlyUsed { amount } }
		statement(first: 5) { nodes { amount { amount } payment { id } } }
		payments(first: 5) { nodes { id status } }
		contacts(first: 5) { nodes { id bankAccounts { accountCode } } }
		boletos(first: 5) { nodes { id status } }
		boletoLimits { minimum { amount } maximum { amount } }
	} } }`
	queries := func(n int) int64 {
		t.Helper()
		counter.n.Store(0)
		r := gql(t, s, tok, q, map[string]any{"n": n})
		if len(r.Errors) > 0 {
			t.Fatalf("accounts(first: %d): %+v", n, r.Errors)
		}
		var page struct {
			Nodes []struct {
				Statement struct {
					Nodes []struct {
						Amount  struct{ Amount string }
						Payment *struct{ ID string }
					}
				}
				Contacts struct {
					Nodes []struct {
						BankAccounts []struct{ AccountCode string }
					}
				}
				Boletos      struct{ Nodes []struct{ ID string } }
				BoletoLimits *struct{ Minimum struct{ Amount string } }
			}
		}
		r.decode(t, "accounts", &page)
		if len(page.Nodes) != n {
			t.Fatalf("accounts(first: %d): %d nodes", n, len(page.Nodes))
		}
		for _, a := range page.Nodes {
			if len(a.Statement.Nodes) == 0 || a.Statement.Nodes[0].Payment == nil {
				t.Fatalf("accounts(first: %d): an account without its statement entries and their payment: %+v", n, a.Statement.Nodes)
			}
			if len(a.Contacts.Nodes) == 0 || len(a.Contacts.Nodes[0].BankAccounts) == 0 || len(a.Boletos.Nodes) == 0 || a.BoletoLimits == nil {
				t.Fatalf("accounts(first: %d): an account without its contact, its bank account, its boleto or its boleto limits: %+v %+v %+v",
					n, a.Contacts.Nodes, a.Boletos.Nodes, a.BoletoLimits)
			}
		}
		return counter.n.Load()
	}
	one, twenty := queries(1), queries(20)
	t.Logf("SQL statements: page of 1 account %d, page of 20 accounts %d", one, twenty)
	if one == 0 {
		t.Fatal("no SQL statement counted: the counter does not see the operation")
	}
	if twenty != one {
		t.Errorf("a page of 20 accounts costs %d SQL statements, a page of 1 costs %d: some edge is resolved per account", twenty, one)
	}
}
