package ledger_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/paging"
)

// Benchmarks of posting throughput and of a statement page. Run:
//
//	go test -run '^$' -bench . -benchmem ./banking/ledger/

// BenchmarkDeposit posts deposits one after another: one op is one movement (key claim, locks,
// two entries, balances) committed.
func BenchmarkDeposit(b *testing.B) {
	e := newEnv(b)
	acc := e.approved(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: strconv.Itoa(i), AccountID: acc, Amount: 100, From: ledger.SandboxCounterparty}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransfer posts internal transfers with a fee one after another: four entries, the
// limit check and its usage row.
func BenchmarkTransfer(b *testing.B) {
	e := newEnv(b)
	from, to := e.approved(b), e.approved(b)
	e.deposit(b, from, 1_000_000_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: strconv.Itoa(i), From: from, To: to, Amount: 1, Fee: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransferParallel posts transfers from 8 goroutines between 16 accounts (pairs that
// overlap, so locks are contended), over the test pool of 10 connections.
func BenchmarkTransferParallel(b *testing.B) {
	e := newEnv(b)
	accts := make([]uuid.UUID, 16)
	for i := range accts {
		accts[i] = e.approved(b)
		e.deposit(b, accts[i], 1_000_000_000)
	}
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(4) // × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			from, to := accts[i%16], accts[(i*7+3)%16]
			if from == to {
				to = accts[(i+1)%16]
			}
			if _, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: strconv.FormatInt(i, 10), From: from, To: to, Amount: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStatementPage50 reads one 50-entry page from the middle of a 5,000-entry statement.
func BenchmarkStatementPage50(b *testing.B) {
	e := newEnv(b)
	acc := e.approved(b)
	ctx := context.Background()
	e.deposit(b, acc, 1) // opens the account's ledger account
	// Bulk-load the history, 1,000 entries a statement: posting 5,000 movements one by one would
	// dominate the benchmark's run time. Only reads are measured, so the balances are not kept.
	for i := 0; i < 5; i++ {
		err := e.db.Exec(`WITH t AS (
			INSERT INTO ledger_transactions (id, kind, description, occurred_at)
			SELECT gen_random_uuid(), 'external', 'bulk', now() - make_interval(secs => g + ? * 1000)
			FROM generate_series(1, 1000) g RETURNING id, occurred_at)
		INSERT INTO ledger_entries (id, transaction_id, ledger_account_id, occurred_at, amount_cents, balance_before_cents, balance_after_cents, kind, description, counterparty)
		SELECT gen_random_uuid(), t.id, la.id, t.occurred_at, s.amount, 0, s.amount, 'external', 'bulk',
		       CASE WHEN la.kind = 'CUSTOMER' THEN '{"name":"Remetente","document":"11222333000181"}'::jsonb END
		FROM t, (VALUES (100), (-100)) AS s (amount)
		JOIN ledger_accounts la ON la.kind = CASE WHEN s.amount > 0 THEN 'CUSTOMER' ELSE 'SETTLEMENT' END
		  AND (la.kind <> 'CUSTOMER' OR la.account_id = ?)`, i, acc).Error
		if err != nil {
			b.Fatal(err)
		}
	}
	e.db.Exec("ANALYZE ledger_entries")
	first, err := e.ledger.Statement(ctx, acc, ledger.StatementFilter{}, paging.Page{First: 2500})
	if err != nil || len(first.Entries) != 2500 {
		b.Fatalf("%v %d", err, len(first.Entries))
	}
	c := ledger.EntryCursor(first.Entries[len(first.Entries)-1])
	p := paging.Page{First: 50, After: &c}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, err := e.ledger.Statement(ctx, acc, ledger.StatementFilter{}, p)
		if err != nil || len(page.Entries) != 50 {
			b.Fatalf("%v %d", err, len(page.Entries))
		}
	}
}
