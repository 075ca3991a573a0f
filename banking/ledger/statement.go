package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/paging"
)

// StatementFilter selects a statement's entries. From and To are São Paulo calendar days, both
// included; only their year, month and day are read, so a GraphQL Date (UTC midnight) works as is.
type StatementFilter struct {
	From, To  *time.Time
	Direction *Direction
	// WithoutCounterparty leaves the entries' Counterparty nil: for a caller that shows none,
	// since decoding its JSON was about a fifth of the CPU a statement page cost. It filters
	// nothing.
	WithoutCounterparty bool
}

// where returns the SQL conditions (each starting with " AND ") and their arguments.
func (f StatementFilter) where() (string, []any, error) {
	var sql strings.Builder
	var args []any
	if f.From != nil && f.To != nil && startOfDay(*f.From).After(startOfDay(*f.To)) {
		return "", nil, apperr.Field(apperr.Invalid, []string{"to"}, "to must not be before from")
	}
	if f.From != nil {
		sql.WriteString(" AND e.occurred_at >= ?")
		args = append(args, startOfDay(*f.From))
	}
	if f.To != nil {
		sql.WriteString(" AND e.occurred_at < ?")
		args = append(args, startOfDay(*f.To).AddDate(0, 0, 1))
	}
	if f.Direction != nil {
		switch *f.Direction {
		case Credit:
			sql.WriteString(" AND e.amount_cents > 0")
		case Debit:
			sql.WriteString(" AND e.amount_cents < 0")
		default:
			return "", nil, apperr.Field(apperr.Invalid, []string{"direction"}, "direction must be CREDIT or DEBIT")
		}
	}
	return sql.String(), args, nil
}

// StatementPage is one page of a statement, newest first.
type StatementPage struct {
	Entries []Entry
	HasNext bool
}

// EntryCursor is the keyset cursor just after e in a statement.
func EntryCursor(e Entry) paging.Cursor { return paging.Cursor{At: e.OccurredAt, ID: e.ID} }

// Statement returns a page of accountID's statement, newest first, after the page's cursor. The
// keyset (occurred_at, id) makes pages neither skip nor repeat an entry while new ones arrive:
// entries are never changed and a new one sorts before every cursor already handed out.
//
// Errors: NOT_FOUND; INVALID for a filter whose To is before its From.
func (s *Service) Statement(ctx context.Context, accountID uuid.UUID, f StatementFilter, p paging.Page) (*StatementPage, error) {
	pages, err := s.Statements(ctx, []uuid.UUID{accountID}, f, p)
	if err != nil {
		return nil, err
	}
	return pages[accountID], nil
}

// Statements is Statement for many accounts at once (the statements of a page of accounts), with
// the same filter and page for each: one query, a LATERAL walk of the index
// ledger_entries_statement per account, however many accounts; and one more, only when some
// page is empty, to tell an account without movements from one that does not exist. Every id
// gets a page. Errors: as Statement, NOT_FOUND when any account does not exist.
func (s *Service) Statements(ctx context.Context, accountIDs []uuid.UUID, f StatementFilter, p paging.Page) (map[uuid.UUID]*StatementPage, error) {
	cond, args, err := f.where()
	if err != nil {
		return nil, err
	}
	if p.After != nil {
		cond += " AND (e.occurred_at, e.id) < (?, ?)"
		args = append(args, p.After.At, p.After.ID)
	}
	db := s.db.WithContext(ctx)
	args = append(args, p.First+1, accountIDs, accounts.IDs(db))
	// For each visible ledger account of the ids (accounts.IDs), the LATERAL walks
	// ledger_entries_statement backwards and stops after the page (EXPLAIN: Limit over an Index
	// Scan on it, no sort of the account's entries); the columns of entrySelect are joined after.
	counterparty := "e.counterparty"
	if f.WithoutCounterparty {
		counterparty = "NULL::jsonb"
	}
	// Room for every page full (capped: a page of many accounts may hold few entries).
	entries, err := scanEntries(db, min(len(accountIDs)*(p.First+1), 512), `SELECT e.id, e.transaction_id, e.ledger_account_id, e.occurred_at, e.amount_cents,
		e.balance_before_cents, e.balance_after_cents, e.kind, e.description, e.fee_cents, `+counterparty+`,
		lx.account_id, lx.kind AS account_kind, t.operation_id
		FROM ledger_accounts lx
		CROSS JOIN LATERAL (SELECT * FROM ledger_entries e WHERE e.ledger_account_id = lx.id`+cond+`
			ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?) e
		JOIN ledger_transactions t ON t.id = e.transaction_id
		WHERE lx.account_id IN ? AND lx.account_id IN (?)
		ORDER BY lx.account_id, e.occurred_at DESC, e.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	// The rows come account by account: each page is its run of them (without the extra row that
	// only says there is a next page), not a copy.
	pages := make(map[uuid.UUID]*StatementPage, len(accountIDs))
	for start := 0; start < len(entries); {
		end := start + 1
		for end < len(entries) && *entries[end].AccountID == *entries[start].AccountID {
			end++
		}
		n := min(end-start, p.First)
		pages[*entries[start].AccountID] = &StatementPage{Entries: entries[start : start+n : start+n], HasNext: end-start > p.First}
		start = end
	}
	var empty []uuid.UUID
	for _, id := range accountIDs {
		if pages[id] == nil {
			pages[id] = &StatementPage{}
			empty = append(empty, id)
		}
	}
	if len(empty) > 0 {
		var found []uuid.UUID
		if err := db.Raw("SELECT id FROM (?) a WHERE id IN ?", accounts.IDs(db), empty).Scan(&found).Error; err != nil {
			return nil, fmt.Errorf("ledger: find accounts: %w", err)
		}
		if slices.ContainsFunc(empty, func(id uuid.UUID) bool { return !slices.Contains(found, id) }) {
			return nil, apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
		}
	}
	return pages, nil
}

// ledgerAccountOf returns the ledger account of a customer account: nil before its first
// movement. Errors: NOT_FOUND when the account does not exist.
func ledgerAccountOf(db *gorm.DB, accountID uuid.UUID) (*uuid.UUID, error) {
	var rows []struct{ LedgerAccountID *uuid.UUID }
	err := db.Raw("SELECT la.id AS ledger_account_id FROM (?) a LEFT JOIN ledger_accounts la ON la.account_id = a.id WHERE a.id = ?", accounts.IDs(db), accountID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: find ledger account: %w", err)
	}
	if len(rows) == 0 {
		return nil, apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
	}
	return rows[0].LedgerAccountID, nil
}
