package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/money"
)

// maxListed caps each list of a Report: a broken ledger is reported, not dumped.
const maxListed = 100

// Report is the outcome of Verify. The ledger is consistent when OK returns true.
type Report struct {
	LedgerAccounts int64
	Transactions   int64
	Entries        int64
	EntriesSum     money.Cents // sum of every posting: must be zero
	BalancesSum    money.Cents // sum of every ledger account's available balance: must be zero
	// Unbalanced are transactions whose postings do not sum to zero or number fewer than two.
	Unbalanced []uuid.UUID
	// Mismatched are ledger accounts whose available balance differs from the sum of their entries.
	Mismatched []Mismatch
	// Negative are customer ledger accounts below zero.
	Negative []uuid.UUID
	// BrokenChains are entries whose balance before is not the previous entry's balance after
	// (or zero for an account's first entry), in statement order.
	BrokenChains []uuid.UUID
}

// Mismatch is a balance that its entries do not explain.
type Mismatch struct {
	LedgerAccountID uuid.UUID
	Balance         money.Cents
	EntriesSum      money.Cents
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	return r.EntriesSum == 0 && r.BalancesSum == 0 && len(r.Unbalanced) == 0 && len(r.Mismatched) == 0 &&
		len(r.Negative) == 0 && len(r.BrokenChains) == 0
}

// String summarises the report in a few lines.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ledger accounts %d, transactions %d, entries %d\n", r.LedgerAccounts, r.Transactions, r.Entries)
	fmt.Fprintf(&b, "sum of entries %s, sum of balances %s\n", r.EntriesSum, r.BalancesSum)
	for _, id := range r.Unbalanced {
		fmt.Fprintf(&b, "unbalanced transaction %s\n", id)
	}
	for _, m := range r.Mismatched {
		fmt.Fprintf(&b, "ledger account %s: balance %s, entries sum to %s\n", m.LedgerAccountID, m.Balance, m.EntriesSum)
	}
	for _, id := range r.Negative {
		fmt.Fprintf(&b, "customer ledger account %s is negative\n", id)
	}
	for _, id := range r.BrokenChains {
		fmt.Fprintf(&b, "entry %s: balance before is not the previous balance after\n", id)
	}
	if r.OK() {
		b.WriteString("OK\n")
	} else {
		b.WriteString("MISMATCH\n")
	}
	return b.String()
}

// Verify recomputes the ledger from its entries and compares: all postings sum to zero, so do
// those of each transaction, every balance equals the sum of its entries, no customer balance is
// negative, and each account's entries chain their balances. It reads one REPEATABLE READ
// snapshot, so it may run while movements are posted. It reads every entry: run it off-peak
// (cmd/ledgercheck). The error is for failing to check, not for what the check found.
func (s *Service) Verify(ctx context.Context) (Report, error) {
	var r Report
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return verify(tx, &r)
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("ledger: verify: %w", err)
	}
	return r, nil
}

func verify(tx *gorm.DB, r *Report) error {
	var totals struct {
		LedgerAccounts, Transactions, Entries int64
		EntriesSum, BalancesSum               int64
	}
	err := tx.Raw(`SELECT (SELECT count(*) FROM ledger_accounts) AS ledger_accounts,
		(SELECT count(*) FROM ledger_transactions) AS transactions,
		(SELECT count(*) FROM ledger_entries) AS entries,
		(SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries) AS entries_sum,
		(SELECT COALESCE(SUM(available_cents), 0) FROM ledger_accounts) AS balances_sum`).Scan(&totals).Error
	if err != nil {
		return err
	}
	r.LedgerAccounts, r.Transactions, r.Entries = totals.LedgerAccounts, totals.Transactions, totals.Entries
	r.EntriesSum, r.BalancesSum = money.Cents(totals.EntriesSum), money.Cents(totals.BalancesSum)

	checks := []struct {
		sql  string
		dest *[]uuid.UUID
	}{
		{`SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
			GROUP BY t.id HAVING COALESCE(SUM(e.amount_cents), 0) <> 0 OR count(e.id) < 2 LIMIT ?`, &r.Unbalanced},
		{`SELECT id FROM ledger_accounts WHERE kind = 'CUSTOMER' AND (available_cents < 0 OR blocked_cents < 0) LIMIT ?`, &r.Negative},
		{`SELECT id FROM (SELECT id, balance_before_cents,
				COALESCE(lag(balance_after_cents) OVER (PARTITION BY ledger_account_id ORDER BY occurred_at, id), 0) AS previous
				FROM ledger_entries) c
			WHERE balance_before_cents <> previous LIMIT ?`, &r.BrokenChains},
	}
	for _, c := range checks {
		if err := tx.Raw(c.sql, maxListed).Scan(c.dest).Error; err != nil {
			return err
		}
	}
	var mismatched []struct {
		ID             uuid.UUID
		AvailableCents int64
		EntriesSum     int64
	}
	err = tx.Raw(`SELECT la.id, la.available_cents, COALESCE(s.total, 0) AS entries_sum
		FROM ledger_accounts la
		LEFT JOIN (SELECT ledger_account_id, SUM(amount_cents) AS total FROM ledger_entries GROUP BY 1) s ON s.ledger_account_id = la.id
		WHERE la.available_cents <> COALESCE(s.total, 0) LIMIT ?`, maxListed).Scan(&mismatched).Error
	if err != nil {
		return err
	}
	for _, m := range mismatched {
		r.Mismatched = append(r.Mismatched, Mismatch{LedgerAccountID: m.ID, Balance: money.Cents(m.AvailableCents), EntriesSum: money.Cents(m.EntriesSum)})
	}
	return nil
}
