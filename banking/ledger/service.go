package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Service posts movements and reads balances and statements. It is safe for concurrent use by
// any number of goroutines and replicas: all shared state is in PostgreSQL.
type Service struct {
	db     *gorm.DB
	now    func() time.Time
	system map[SystemAccount]uuid.UUID // ledger account ids of the bank's accounts; never change
}

// New returns a Service on a migrated database. It fails when the bank's ledger accounts are
// missing, which means the ledger migration has not run.
func New(ctx context.Context, db *gorm.DB) (*Service, error) {
	var rows []struct {
		ID   uuid.UUID
		Kind string
	}
	if err := db.WithContext(ctx).Model(&models.LedgerAccount{}).Select("id, kind").Where("kind <> 'CUSTOMER'").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("ledger: load system accounts: %w", err)
	}
	s := &Service{db: db, system: map[SystemAccount]uuid.UUID{}, now: time.Now}
	for _, r := range rows {
		s.system[SystemAccount(r.Kind)] = r.ID
	}
	for _, k := range []SystemAccount{Settlement, FeeIncome} {
		if _, ok := s.system[k]; !ok {
			return nil, fmt.Errorf("ledger: system account %s is missing (has migration 00002 run?)", k)
		}
	}
	return s, nil
}

// SetClock replaces the clock, for tests. Each movement reads it once.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// clock reads the clock once, in the precision PostgreSQL keeps, so that cursors built from
// memory match the rows.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// saoPaulo is the bank's calendar: limits reset and statement dates turn at São Paulo midnight.
var saoPaulo = saopaulo.Location

// civilDay is t's São Paulo calendar day as YYYY-MM-DD, the form a date column takes.
func civilDay(t time.Time) string { return t.In(saoPaulo).Format(time.DateOnly) }

// monthStart is the first day of t's São Paulo month as YYYY-MM-DD.
func monthStart(t time.Time) string {
	d := t.In(saoPaulo)
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, saoPaulo).Format(time.DateOnly)
}

// startOfDay is São Paulo midnight at the start of the calendar day of d, read as a date: only
// its year, month and day count, in its own location (a GraphQL Date arrives as UTC midnight).
func startOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, saoPaulo)
}
