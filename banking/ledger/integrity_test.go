package ledger_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

func TestTheDatabaseGuardsTheLedger(t *testing.T) {
	e := newEnv(t)
	a := e.approved(t)
	txn := e.deposit(t, a, 1_000)
	entry := txn.EntryFor(a).ID

	refused := func(t *testing.T, because, sql string, args ...any) {
		t.Helper()
		err := e.db.Exec(sql, args...).Error
		if err == nil || !strings.Contains(err.Error(), because) {
			t.Fatalf("%s: err = %v, want %q", sql, err, because)
		}
	}

	t.Run("EntriesRefuseUpdate", func(t *testing.T) {
		refused(t, "append-only", "UPDATE ledger_entries SET amount_cents = 1000000 WHERE id = ?", entry)
	})
	t.Run("EntriesRefuseDelete", func(t *testing.T) {
		refused(t, "append-only", "DELETE FROM ledger_entries WHERE id = ?", entry)
	})
	t.Run("EntriesRefuseTruncate", func(t *testing.T) {
		refused(t, "append-only", "TRUNCATE ledger_entries CASCADE")
	})
	t.Run("TransactionsRefuseUpdateAndDelete", func(t *testing.T) {
		refused(t, "append-only", "UPDATE ledger_transactions SET description = 'edited' WHERE id = ?", txn.ID)
		refused(t, "append-only", "DELETE FROM ledger_transactions WHERE id = ?", txn.ID)
	})

	t.Run("AnUnbalancedTransactionFailsAtCommit", func(t *testing.T) {
		id := uuid.New()
		err := e.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO ledger_transactions (id, kind, description, occurred_at) VALUES (?, 'internal', 'forged', now())", id).Error; err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO ledger_entries (id, transaction_id, ledger_account_id, occurred_at, amount_cents, balance_before_cents, balance_after_cents, kind, description)
				SELECT gen_random_uuid(), ?, id, now(), amount, 0, amount, 'internal', 'forged'
				FROM ledger_accounts, (VALUES (500), (-400)) AS v (amount) WHERE kind = 'FEE_INCOME'`, id).Error
		})
		if err == nil || !strings.Contains(err.Error(), "unbalanced") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ACustomerBalanceCannotGoNegative", func(t *testing.T) {
		refused(t, "ledger_accounts_customer_not_negative", "UPDATE ledger_accounts SET available_cents = -1 WHERE account_id = ?", a)
	})

	t.Run("VerifyFindsABalanceItsEntriesDoNotExplain", func(t *testing.T) {
		e.mustVerify(t)
		if err := e.db.Exec("UPDATE ledger_accounts SET available_cents = available_cents + 1 WHERE account_id = ?", a).Error; err != nil {
			t.Fatal(err)
		}
		r, err := e.ledger.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Mismatched) != 1 || r.BalancesSum != 1 || r.Mismatched[0].EntriesSum != 1_000 {
			t.Fatalf("report:\n%s", r.String())
		}
	})
}
