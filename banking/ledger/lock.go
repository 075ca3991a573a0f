package ledger

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// lockedAccount is a ledger account held FOR NO KEY UPDATE by the current movement.
type lockedAccount struct {
	ID             uuid.UUID
	Kind           string
	AvailableCents int64
	LastEntryAt    *time.Time
}

// ledgerAccountOf maps a posting to its ledger account id.
func (s *Service) ledgerAccountOf(p Posting, parties map[uuid.UUID]*party) uuid.UUID {
	if p.System != "" {
		return s.system[p.System]
	}
	return *parties[p.AccountID].LedgerAccountID
}

// lockAccounts locks every ledger account the movement posts to, in the ledger's one lock order:
// customers first, then the bank's accounts, each by id. The bank's accounts are shared by many
// movements, so they are locked last to be held for the shortest time. One statement with
// ORDER BY locks rows in that order (PostgreSQL locks rows as they leave the sort).
func (s *Service) lockAccounts(tx *gorm.DB, m *Movement, parties map[uuid.UUID]*party) (map[uuid.UUID]*lockedAccount, error) {
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, p := range m.Postings {
		if id := s.ledgerAccountOf(p, parties); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	var rows []*lockedAccount
	err := tx.Raw(`SELECT id, kind, available_cents, last_entry_at FROM ledger_accounts
		WHERE id IN ? ORDER BY kind <> 'CUSTOMER', id FOR NO KEY UPDATE`, ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: lock accounts: %w", err)
	}
	if len(rows) != len(ids) {
		return nil, fmt.Errorf("ledger: locked %d of %d ledger accounts", len(rows), len(ids))
	}
	out := make(map[uuid.UUID]*lockedAccount, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// occurredAt is the movement's time: the clock, or just after the newest entry of the accounts it
// touches if that is later. Entries of one account then never go back in time, so (occurred_at,
// id) orders them as their balances changed, even across replicas whose clocks disagree.
func occurredAt(clock time.Time, locked map[uuid.UUID]*lockedAccount) time.Time {
	at := clock
	for _, a := range locked {
		if a.LastEntryAt != nil && !a.LastEntryAt.Before(at) {
			at = a.LastEntryAt.Add(time.Microsecond)
		}
	}
	return at.UTC()
}
