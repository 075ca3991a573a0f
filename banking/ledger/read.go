package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/money"
)

// entrySelect reads entries with what a statement shows of their account and transaction.
const entrySelect = `SELECT e.id, e.transaction_id, e.ledger_account_id, e.occurred_at, e.amount_cents,
       e.balance_before_cents, e.balance_after_cents, e.kind, e.description, e.fee_cents, e.counterparty,
       la.account_id, la.kind AS account_kind, t.operation_id
  FROM ledger_entries e
  JOIN ledger_accounts la ON la.id = e.ledger_account_id
  JOIN ledger_transactions t ON t.id = e.transaction_id`

// entryRow is one row of entrySelect.
type entryRow struct {
	ID                 uuid.UUID
	TransactionID      uuid.UUID
	LedgerAccountID    uuid.UUID
	OccurredAt         time.Time
	AmountCents        int64
	BalanceBeforeCents int64
	BalanceAfterCents  int64
	Kind               string
	Description        string
	FeeCents           int64
	Counterparty       []byte
	AccountID          *uuid.UUID
	AccountKind        string
	OperationID        *uuid.UUID
}

func (r *entryRow) entry() (Entry, error) {
	e := Entry{
		ID: r.ID, LedgerAccountID: r.LedgerAccountID, AccountID: r.AccountID, TransactionID: r.TransactionID,
		OperationID: r.OperationID, OccurredAt: r.OccurredAt.UTC(), Direction: Credit, Amount: money.Cents(r.AmountCents),
		BalanceBefore: money.Cents(r.BalanceBeforeCents), BalanceAfter: money.Cents(r.BalanceAfterCents),
		Kind: Kind(r.Kind), Description: r.Description, Fee: money.Cents(r.FeeCents),
	}
	if r.AccountKind != "CUSTOMER" {
		e.System = SystemAccount(r.AccountKind)
	}
	if r.AmountCents < 0 {
		e.Direction, e.Amount = Debit, -e.Amount
	}
	if len(r.Counterparty) > 0 {
		e.Counterparty = new(Counterparty)
		if err := json.Unmarshal(r.Counterparty, e.Counterparty); err != nil {
			return e, fmt.Errorf("ledger: decode counterparty of entry %s: %w", r.ID, err)
		}
	}
	return e, nil
}

// queryEntries runs entrySelect with the conditions in where and returns its entries.
func queryEntries(db *gorm.DB, where string, args ...any) ([]Entry, error) {
	return scanEntries(db, 0, entrySelect+where, args...)
}

// scanEntries runs a query whose columns are those of entrySelect and returns its entries,
// with room for capacity of them from the start.
func scanEntries(db *gorm.DB, capacity int, query string, args ...any) ([]Entry, error) {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()
	out := make([]Entry, 0, capacity)
	for rows.Next() {
		var r entryRow
		if err := scanEntry(rows, &r); err != nil {
			return nil, fmt.Errorf("ledger: read entries: %w", err)
		}
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	return out, nil
}

// findTransaction loads one transaction with its entries in posting order.
func findTransaction(db *gorm.DB, id uuid.UUID) (*Transaction, error) {
	var txns []struct {
		ID          uuid.UUID
		Kind        string
		TenantID    *uuid.UUID
		OperationID *uuid.UUID
		Description string
		OccurredAt  time.Time
	}
	if err := db.Raw("SELECT id, kind, tenant_id, operation_id, description, occurred_at FROM ledger_transactions WHERE id = ?", id).Scan(&txns).Error; err != nil {
		return nil, fmt.Errorf("ledger: find transaction: %w", err)
	}
	if len(txns) == 0 {
		return nil, apperr.E(apperr.NotFound, "no ledger transaction with this id")
	}
	entries, err := queryEntries(db, " WHERE e.transaction_id = ? ORDER BY e.id", id)
	if err != nil {
		return nil, err
	}
	t := txns[0]
	return &Transaction{ID: t.ID, Kind: Kind(t.Kind), TenantID: t.TenantID, OperationID: t.OperationID,
		Description: t.Description, OccurredAt: t.OccurredAt.UTC(), Entries: entries}, nil
}

// GetTransaction returns one ledger transaction with all its postings. Errors: NOT_FOUND.
func (s *Service) GetTransaction(ctx context.Context, id uuid.UUID) (*Transaction, error) {
	return findTransaction(s.db.WithContext(ctx), id)
}

// GetEntry returns one entry, for node(id:). The caller checks that it may see the entry's
// AccountID (nil: the bank's own account, for operators only). Errors: NOT_FOUND.
func (s *Service) GetEntry(ctx context.Context, id uuid.UUID) (*Entry, error) {
	entries, err := queryEntries(s.db.WithContext(ctx), " WHERE e.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, apperr.E(apperr.NotFound, "no statement entry with this id")
	}
	return &entries[0], nil
}

// Balance returns an account's balances; zero before its first movement. Errors: NOT_FOUND.
func (s *Service) Balance(ctx context.Context, accountID uuid.UUID) (Balance, error) {
	var rows []struct {
		AvailableCents, BlockedCents, ScheduledCents *int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT la.available_cents, la.blocked_cents, la.scheduled_cents
		FROM (?) a LEFT JOIN ledger_accounts la ON la.account_id = a.id WHERE a.id = ?`, accounts.IDs(s.db), accountID).Scan(&rows).Error
	if err != nil {
		return Balance{}, fmt.Errorf("ledger: read balance: %w", err)
	}
	if len(rows) == 0 {
		return Balance{}, apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
	}
	r := rows[0]
	return Balance{Available: cents(r.AvailableCents), Blocked: cents(r.BlockedCents), Scheduled: cents(r.ScheduledCents)}, nil
}

func cents(p *int64) money.Cents {
	if p == nil {
		return 0
	}
	return money.Cents(*p)
}

// Balances returns the balances of many accounts in one query (a page of accounts asking for
// theirs); an account with no movement yet has zero balances, a missing id is left out.
func (s *Service) Balances(ctx context.Context, accountIDs []uuid.UUID) (map[uuid.UUID]Balance, error) {
	var rows []struct {
		ID                                           uuid.UUID
		AvailableCents, BlockedCents, ScheduledCents *int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT a.id, la.available_cents, la.blocked_cents, la.scheduled_cents
		FROM (?) a LEFT JOIN ledger_accounts la ON la.account_id = a.id WHERE a.id IN ?`, accounts.IDs(s.db), accountIDs).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: read balances: %w", err)
	}
	out := make(map[uuid.UUID]Balance, len(rows))
	for _, r := range rows {
		out[r.ID] = Balance{Available: cents(r.AvailableCents), Blocked: cents(r.BlockedCents), Scheduled: cents(r.ScheduledCents)}
	}
	return out, nil
}
