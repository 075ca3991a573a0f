package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
)

// op is one random movement of the property test.
type op struct {
	key      string
	deposit  bool
	from, to int // account indexes; from unused for deposits
	amount   money.Cents
	fee      money.Cents
}

// result is what one call of an op returned.
type result struct {
	op  op
	txn *ledger.Transaction
	err error
}

// TestConcurrentMovementsKeepTheLedgerBalanced is the ledger's property test: many goroutines post
// random deposits and transfers between random accounts, with duplicated idempotency keys (some
// sent concurrently), keys reused for other requests, and transfers that overdraw. Afterwards
// the ledger must add up, and match exactly what the callers were told.
func TestConcurrentMovementsKeepTheLedgerBalanced(t *testing.T) {
	const (
		accountsN = 12
		opsN      = 3000
		workers   = 16
	)
	e := newEnv(t)
	ctx := context.Background()
	accts := make([]uuid.UUID, accountsN)
	for i := range accts {
		accts[i] = e.approved(t)
	}

	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: a failure reproduces
	var queue, later []op
	for i := 0; len(queue) < opsN; i++ {
		o := op{key: fmt.Sprintf("k%d", i), to: rng.IntN(accountsN), amount: money.Cents(1 + rng.IntN(30_000))}
		if rng.IntN(100) < 35 {
			o.deposit = true
		} else {
			o.from = (o.to + 1 + rng.IntN(accountsN-1)) % accountsN
			if rng.IntN(5) == 0 {
				o.fee = money.Cents(rng.IntN(500))
			}
		}
		queue = append(queue, o)
		switch r := rng.IntN(100); {
		case r < 5: // the same request twice in a row: two workers run it at once
			queue = append(queue, o)
		case r < 8: // the same request again, later
			later = append(later, o)
		case r < 10: // the same key for a different request
			o2 := o
			o2.amount++
			queue = append(queue, o2)
		}
	}
	queue = append(queue, later...)

	jobs := make(chan op)
	results := make(chan result, len(queue))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				var txn *ledger.Transaction
				var err error
				if o.deposit {
					txn, err = e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: o.key, AccountID: accts[o.to], Amount: o.amount, From: ledger.SandboxCounterparty})
				} else {
					txn, err = e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: o.key, From: accts[o.from], To: accts[o.to], Amount: o.amount, Fee: o.fee})
				}
				results <- result{o, txn, err}
			}
		}()
	}
	for _, o := range queue {
		jobs <- o
	}
	close(jobs)
	wg.Wait()
	close(results)

	// What the callers were told.
	want := map[uuid.UUID]money.Cents{} // customer account → sum of the postings callers saw
	txnOfKey := map[string]uuid.UUID{}
	requestOfKey := map[string]op{}
	var posted, replayed, refused, reused int
	for r := range results {
		switch code := apperr.CodeOf(r.err); {
		case r.err == nil:
			if prior, ok := txnOfKey[r.op.key]; ok && prior != r.txn.ID {
				t.Fatalf("key %s posted two transactions", r.op.key)
			}
			if prev, ok := requestOfKey[r.op.key]; ok && prev != r.op {
				t.Fatalf("key %s succeeded for two different requests", r.op.key)
			}
			txnOfKey[r.op.key], requestOfKey[r.op.key] = r.txn.ID, r.op
			if r.txn.Replayed {
				replayed++
				continue
			}
			posted++
			for _, en := range r.txn.Entries {
				if en.AccountID != nil {
					want[*en.AccountID] += en.Signed()
				}
			}
		case code == apperr.InsufficientFunds || code == apperr.LimitExceeded:
			refused++
		case code == apperr.IdempotencyKeyReused:
			reused++
		default:
			t.Fatalf("%+v: unexpected error %v", r.op, r.err)
		}
	}
	t.Logf("%d calls: %d posted, %d replayed, %d refused (funds or limits), %d keys reused", len(queue), posted, replayed, refused, reused)
	if replayed == 0 || refused == 0 || reused == 0 || posted < opsN/2 {
		t.Fatal("the run did not exercise every path")
	}

	t.Run("VerifyReportsClean", func(t *testing.T) {
		r := e.mustVerify(t)
		if r.Transactions != int64(posted) {
			t.Fatalf("%d transactions in the ledger, callers saw %d", r.Transactions, posted)
		}
	})

	t.Run("SumOfAllLedgerAccountsIsZero", func(t *testing.T) {
		var entries, balances int64
		e.db.Raw("SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries").Scan(&entries)
		e.db.Raw("SELECT COALESCE(SUM(available_cents), 0) FROM ledger_accounts").Scan(&balances)
		if entries != 0 || balances != 0 {
			t.Fatalf("entries sum to %d, balances to %d", entries, balances)
		}
	})

	t.Run("EveryBalanceIsTheSumOfItsEntriesAndWhatCallersSaw", func(t *testing.T) {
		var rows []struct {
			AccountID      *uuid.UUID
			AvailableCents int64
			EntriesSum     int64
		}
		e.db.Raw(`SELECT la.account_id, la.available_cents,
			(SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries WHERE ledger_account_id = la.id) AS entries_sum
			FROM ledger_accounts la`).Scan(&rows)
		for _, r := range rows {
			if r.AvailableCents != r.EntriesSum {
				t.Errorf("account %v: balance %d, entries %d", r.AccountID, r.AvailableCents, r.EntriesSum)
			}
			if r.AccountID != nil && money.Cents(r.AvailableCents) != want[*r.AccountID] {
				t.Errorf("account %s: balance %d, callers were told %s", *r.AccountID, r.AvailableCents, want[*r.AccountID])
			}
		}
	})

	t.Run("NoCustomerBalanceIsNegative", func(t *testing.T) {
		var n int64
		e.db.Raw("SELECT count(*) FROM ledger_accounts WHERE kind = 'CUSTOMER' AND available_cents < 0").Scan(&n)
		if n != 0 {
			t.Fatalf("%d negative balances", n)
		}
	})

	t.Run("EveryIdempotencyKeyPostedOnce", func(t *testing.T) {
		var keys, distinctTxns, txns int64
		e.db.Raw("SELECT count(*), count(DISTINCT transaction_id) FROM ledger_idempotency_keys").Row().Scan(&keys, &distinctTxns)
		e.db.Raw("SELECT count(*) FROM ledger_transactions").Scan(&txns)
		if keys != int64(len(txnOfKey)) || distinctTxns != keys || txns != keys {
			t.Fatalf("%d keys for %d transactions (%d distinct); callers saw %d keys succeed", keys, txns, distinctTxns, len(txnOfKey))
		}
	})
}
