package ledger_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
)

func TestPostTx(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.approved(t)
	e.deposit(t, a, 10_000)

	t.Run("PostsWithTheCallersCommit", func(t *testing.T) {
		b := e.approved(t) // never received: PostTx opens its ledger account
		var txn *ledger.Transaction
		err := e.db.Transaction(func(tx *gorm.DB) error {
			var err error
			txn, err = e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-1", From: a, To: b, Amount: 1_000})
			return err
		})
		if err != nil || txn == nil || txn.Replayed {
			t.Fatalf("%v %+v", err, txn)
		}
		if e.balance(t, a) != 9_000 || e.balance(t, b) != 1_000 {
			t.Fatalf("balances %s %s", e.balance(t, a), e.balance(t, b))
		}
		e.mustVerify(t)
	})

	t.Run("TheCallersRollbackTakesThePostingWithIt", func(t *testing.T) {
		b := e.approved(t)
		entries, keys := e.count(t, "ledger_entries"), e.count(t, "ledger_idempotency_keys")
		stop := errors.New("the caller gives up")
		err := e.db.Transaction(func(tx *gorm.DB) error {
			if _, err := e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-2", From: a, To: b, Amount: 1_000}); err != nil {
				return err
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatal(err)
		}
		if e.count(t, "ledger_entries") != entries || e.count(t, "ledger_idempotency_keys") != keys || e.balance(t, a) != 9_000 {
			t.Fatal("a rolled-back posting left something behind")
		}
	})

	t.Run("ErrRefusedWritesNothingAndTheCallerGoesOn", func(t *testing.T) {
		b := e.approved(t)
		entries, keys, usage := e.count(t, "ledger_entries"), e.count(t, "ledger_idempotency_keys"), e.count(t, "limit_usage")
		var used int64
		e.db.Raw("SELECT COALESCE(SUM(used_cents), 0) FROM limit_usage").Scan(&used)
		err := e.db.Transaction(func(tx *gorm.DB) error {
			_, err := e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-3", From: a, To: b, Amount: 9_001})
			if apperr.CodeOf(err) != apperr.InsufficientFunds {
				t.Errorf("overdraft: %v, want INSUFFICIENT_FUNDS", err)
			}
			// The transaction is still usable: the caller records the refusal and commits.
			return tx.Exec("SELECT 1").Error
		})
		if err != nil {
			t.Fatal(err)
		}
		var usedAfter int64
		e.db.Raw("SELECT COALESCE(SUM(used_cents), 0) FROM limit_usage").Scan(&usedAfter)
		if e.count(t, "ledger_entries") != entries || e.count(t, "ledger_idempotency_keys") != keys ||
			e.count(t, "limit_usage") != usage || usedAfter != used || e.balance(t, a) != 9_000 {
			t.Fatal("a refused posting wrote something")
		}
		// Its key was not taken: the same key posts once the money is there.
		e.deposit(t, a, 1)
		err = e.db.Transaction(func(tx *gorm.DB) error {
			_, err := e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-3", From: a, To: b, Amount: 9_001})
			return err
		})
		if err != nil || e.balance(t, a) != 0 {
			t.Fatalf("%v, balance %s", err, e.balance(t, a))
		}
		e.mustVerify(t)
	})

	t.Run("ErrOverTheLimitConsumesNothing", func(t *testing.T) {
		rich, b := e.approved(t), e.approved(t)
		e.deposit(t, rich, 6_000_000)
		var used int64
		e.db.Raw("SELECT COALESCE(SUM(used_cents), 0) FROM limit_usage").Scan(&used)
		err := e.db.Transaction(func(tx *gorm.DB) error {
			_, err := e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-5", From: rich, To: b, Amount: 5_000_001})
			if apperr.CodeOf(err) != apperr.LimitExceeded {
				t.Errorf("over the daily limit: %v, want LIMIT_EXCEEDED", err)
			}
			return nil
		})
		var usedAfter int64
		e.db.Raw("SELECT COALESCE(SUM(used_cents), 0) FROM limit_usage").Scan(&usedAfter)
		if err != nil || usedAfter != used || e.balance(t, rich) != 6_000_000 {
			t.Fatalf("%v: limit usage %d → %d", err, used, usedAfter)
		}
	})

	t.Run("ReplaysAPostingCommittedBefore", func(t *testing.T) {
		b := e.approved(t)
		e.deposit(t, a, 500)
		first, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "tx-4", From: a, To: b, Amount: 500})
		if err != nil {
			t.Fatal(err)
		}
		entries := e.count(t, "ledger_entries")
		var again *ledger.Transaction
		err = e.db.Transaction(func(tx *gorm.DB) error {
			again, err = e.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "tx-4", From: a, To: b, Amount: 500})
			return err
		})
		if err != nil || !again.Replayed || again.ID != first.ID || e.count(t, "ledger_entries") != entries {
			t.Fatalf("replay: %v %+v", err, again)
		}
	})
}
