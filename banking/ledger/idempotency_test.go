package ledger_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/models"
)

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.approved(t), e.approved(t)
	e.deposit(t, a, 100_000)
	tenants := []models.Tenant{{ClientID: "erp-1", Name: "ERP 1"}, {ClientID: "erp-2", Name: "ERP 2"}}
	for i := range tenants {
		if err := e.db.Create(&tenants[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	t1, t2 := &tenants[0].ID, &tenants[1].ID
	first, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t1, IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_000, Description: "rent"})
	if err != nil || first.Replayed {
		t.Fatalf("first: %v %+v", err, first)
	}

	t.Run("ReplayReturnsTheSameTransactionAndPostsNothing", func(t *testing.T) {
		entries := e.count(t, "ledger_entries")
		again, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t1, IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_000, Description: "rent"})
		if err != nil {
			t.Fatal(err)
		}
		if !again.Replayed || again.ID != first.ID || len(again.Entries) != len(first.Entries) || again.Entries[0].ID != first.Entries[0].ID {
			t.Fatalf("replay %+v, first %+v", again, first)
		}
		if again.Entries[0].BalanceAfter != first.Entries[0].BalanceAfter {
			t.Fatal("a replay shows different balances than the original")
		}
		if e.count(t, "ledger_entries") != entries || e.balance(t, a) != 99_000 {
			t.Fatal("a replay posted again")
		}
	})

	t.Run("ErrDifferentInputIsKeyReused", func(t *testing.T) {
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t1, IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_001, Description: "rent"})
		if ae, _ := apperr.As(err); ae == nil || ae.Code != apperr.IdempotencyKeyReused || ae.Field[0] != "idempotencyKey" {
			t.Fatalf("err = %v", err)
		}
		_, err = e.ledger.Deposit(ctx, ledger.DepositInput{TenantID: t1, IdempotencyKey: "pay-1", AccountID: a, Amount: 1_000, From: ledger.SandboxCounterparty})
		if apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
			t.Fatalf("a deposit reused a transfer's key: %v", err)
		}
	})

	t.Run("DifferentTenantsMayUseTheSameKey", func(t *testing.T) {
		other, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t2, IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_000, Description: "rent"})
		if err != nil || other.Replayed || other.ID == first.ID {
			t.Fatalf("%v %+v", err, other)
		}
		bank, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_000, Description: "rent"})
		if err != nil || bank.Replayed {
			t.Fatalf("the bank's own scope: %v %+v", err, bank)
		}
		again, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "pay-1", From: a, To: b, Amount: 1_000, Description: "rent"})
		if err != nil || !again.Replayed || again.ID != bank.ID {
			t.Fatalf("the bank's own scope does not replay: %v %+v", err, again)
		}
	})

	t.Run("AFailedMovementLeavesItsKeyFree", func(t *testing.T) {
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t1, IdempotencyKey: "pay-2", From: b, To: a, Amount: 1_000_000})
		if apperr.CodeOf(err) != apperr.InsufficientFunds {
			t.Fatalf("err = %v", err)
		}
		e.deposit(t, b, 1_000_000)
		txn, err := e.ledger.Transfer(ctx, ledger.TransferInput{TenantID: t1, IdempotencyKey: "pay-2", From: b, To: a, Amount: 1_000_000})
		if err != nil || txn.Replayed {
			t.Fatalf("retry after the deposit: %v", err)
		}
	})

	t.Run("ConcurrentDuplicatesPostOnce", func(t *testing.T) {
		const n = 16
		var wg sync.WaitGroup
		txns := make(chan *ledger.Transaction, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				txn, err := e.ledger.Deposit(ctx, ledger.DepositInput{TenantID: t2, IdempotencyKey: "dup", AccountID: a, Amount: 777, From: ledger.SandboxCounterparty})
				if err != nil {
					t.Error(err)
					return
				}
				txns <- txn
			}()
		}
		wg.Wait()
		close(txns)
		posted, ids := 0, map[uuid.UUID]bool{}
		for txn := range txns {
			ids[txn.ID] = true
			if !txn.Replayed {
				posted++
			}
		}
		if posted != 1 || len(ids) != 1 {
			t.Fatalf("%d posted, %d distinct transactions", posted, len(ids))
		}
	})
	e.mustVerify(t)
}
