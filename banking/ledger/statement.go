package ledger

import (
	"context"
	"fmt"
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
	cond, args, err := f.where()
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	la, err := ledgerAccountOf(db, accountID)
	if err != nil || la == nil {
		return &StatementPage{}, err
	}
	if p.After != nil {
		cond += " AND (e.occurred_at, e.id) < (?, ?)"
		args = append(args, p.After.At, p.After.ID)
	}
	args = append([]any{*la}, args...)
	args = append(args, p.First+1)
	entries, err := queryEntries(db, " WHERE e.ledger_account_id = ?"+cond+" ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?", args...)
	if err != nil {
		return nil, err
	}
	page := &StatementPage{Entries: entries}
	if len(entries) > p.First {
		page.Entries, page.HasNext = entries[:p.First], true
	}
	return page, nil
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
