package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/money"
)

// StatementPeriod is what an export states besides its entries: the period and the balances at
// its end, read in the same snapshot as the entries so the file adds up.
type StatementPeriod struct {
	AccountID uuid.UUID
	// Start and End bound the period, [Start, End): São Paulo midnight of the filter's From (or
	// the first entry, without From) and of the day after its To (or now, without To).
	Start, End time.Time
	AsOf       time.Time   // when Ledger and Available hold: End, or now when End is later
	Ledger     money.Cents // the balance at AsOf: available plus blocked
	Available  money.Cents // the available balance at AsOf
}

// EachEntry streams accountID's statement, oldest first, for exports of any size: it calls head
// once with the period, then fn for each entry as rows arrive from PostgreSQL, never holding
// more than one in memory. Everything comes from one REPEATABLE READ snapshot, so entries that
// arrive meanwhile are neither half-included nor counted in the balances. An error from head or
// fn stops the stream and is returned.
//
// For a period that ended in the past, Ledger and Available are the balance after its last entry
// (blocked amounts are not reconstructed for past dates). Errors: NOT_FOUND, INVALID (filter).
func (s *Service) EachEntry(ctx context.Context, accountID uuid.UUID, f StatementFilter, head func(StatementPeriod) error, fn func(Entry) error) error {
	cond, args, err := f.where()
	if err != nil {
		return err
	}
	now := s.clock()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		la, err := ledgerAccountOf(tx, accountID)
		if err != nil {
			return err
		}
		period, err := periodOf(tx, accountID, la, f, now)
		if err != nil {
			return err
		}
		if err := head(period); err != nil {
			return err
		}
		if la == nil {
			return nil
		}
		// A rows loop, not queryEntries: the point is never to hold the statement in memory.
		rows, err := tx.Raw(entrySelect+" WHERE e.ledger_account_id = ?"+cond+" ORDER BY e.occurred_at, e.id", append([]any{*la}, args...)...).Rows()
		if err != nil {
			return fmt.Errorf("ledger: read statement: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r entryRow
			if err := scanEntry(rows, &r); err != nil {
				return fmt.Errorf("ledger: read statement: %w", err)
			}
			e, err := r.entry()
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// periodOf works out the period and its closing balances.
func periodOf(tx *gorm.DB, accountID uuid.UUID, la *uuid.UUID, f StatementFilter, now time.Time) (StatementPeriod, error) {
	p := StatementPeriod{AccountID: accountID, Start: now, End: now, AsOf: now}
	if f.To != nil {
		p.End = startOfDay(*f.To).AddDate(0, 0, 1)
		p.AsOf = minTime(p.End, now)
	}
	if la == nil {
		if f.From != nil {
			p.Start = startOfDay(*f.From)
		}
		return p, nil
	}
	var r struct {
		First          *time.Time
		AvailableCents int64
		BlockedCents   int64
		AfterCents     *int64 // balance after the last entry before AsOf
	}
	err := tx.Raw(`SELECT (SELECT min(occurred_at) FROM ledger_entries WHERE ledger_account_id = la.id) AS first,
		       la.available_cents, la.blocked_cents,
		       (SELECT balance_after_cents FROM ledger_entries WHERE ledger_account_id = la.id AND occurred_at < ?
		         ORDER BY occurred_at DESC, id DESC LIMIT 1) AS after_cents
		  FROM ledger_accounts la WHERE la.id = ?`, p.AsOf, *la).Scan(&r).Error
	if err != nil {
		return p, fmt.Errorf("ledger: read closing balance: %w", err)
	}
	switch {
	case f.From != nil:
		p.Start = startOfDay(*f.From)
	case r.First != nil:
		p.Start = r.First.UTC()
	}
	if p.AsOf.Equal(now) { // the period reaches the present: today's balances
		p.Available, p.Ledger = money.Cents(r.AvailableCents), money.Cents(r.AvailableCents+r.BlockedCents)
	} else {
		p.Available = cents(r.AfterCents)
		p.Ledger = p.Available
	}
	return p, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// scanEntry reads one row of entrySelect, column by column, without reflection per row.
func scanEntry(rows *sql.Rows, r *entryRow) error {
	return rows.Scan(&r.ID, &r.TransactionID, &r.LedgerAccountID, &r.OccurredAt, &r.AmountCents,
		&r.BalanceBeforeCents, &r.BalanceAfterCents, &r.Kind, &r.Description, &r.FeeCents, &r.Counterparty,
		&r.AccountID, &r.AccountKind, &r.OperationID)
}
