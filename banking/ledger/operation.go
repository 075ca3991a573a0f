package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/events"
)

// postOperation is PostTx for the movement of an operation Ponte executes (its key in the
// operation space: "payment:<id>", "refund:<id>"). The caller holds the operation's row, so no
// duplicate of the key runs beside it, and the posting takes the fewest round trips while it
// holds ledger rows: the accounts are read and locked in one statement (lockParties) and the key
// is claimed by the statement that writes the movement (posting.write), which writes nothing when
// the limits refuse or the key is taken. No savepoint is needed: every refusal comes before
// anything is written, so tx stays usable. A posting of the same key committed before (an
// execution that crashed after posting, under an older scheme) is replayed, refusal or not, as
// Post replays it.
func (s *Service) postOperation(ctx context.Context, tx *gorm.DB, m *Movement) (*Transaction, error) {
	parties, locked, err := s.lockParties(tx, m)
	if err != nil {
		return nil, err
	}
	if err := checkParties(m, parties); err != nil {
		return s.replayOr(tx, m, err)
	}
	if want := len(s.ledgerAccountsOf(m, parties)); len(locked) != want {
		return nil, fmt.Errorf("ledger: locked %d of %d ledger accounts", len(locked), want)
	}
	txnID := uuid.Must(uuid.NewV7())
	at := occurredAt(s.clock(), locked)
	w, err := s.apply(m, parties, locked, txnID, at)
	if err != nil {
		return s.replayOr(tx, m, err)
	}
	lim, err := limitsOf(m, parties, at)
	if err != nil {
		return s.replayOr(tx, m, err)
	}
	// Under deferred events, the entries' events, the operation's own change (Ahead) and whatever
	// else is pending are written by the movement's statement, gated on it: the ledger rows are
	// then held for that statement and the commit only.
	pending := events.Deferring(ctx)
	var mark events.Mark
	if pending != nil {
		mark = pending.Mark()
		if err := w.recordEntries(ctx, tx); err != nil {
			return nil, err
		}
		if m.Ahead != nil {
			if err := m.Ahead(txnID); err != nil {
				pending.Truncate(mark)
				return nil, err
			}
		}
	}
	written, err := w.write(tx, lim, &keyClaim{space: m.keySpace(), tenant: m.TenantID, key: m.IdempotencyKey, hash: m.requestHash()}, pending)
	if pending != nil && !written {
		pending.Truncate(mark)
	}
	switch _, refused := apperr.As(err); {
	case refused: // LIMIT_EXCEEDED
		return s.replayOr(tx, m, err)
	case err != nil:
		return nil, err
	case !written:
		return s.replayOr(tx, m, nil)
	}
	if pending == nil {
		if err := w.recordEntries(ctx, tx); err != nil {
			return nil, err
		}
	}
	return w.out, nil
}

// replayOr answers a movement that was not written: the transaction an earlier movement with its
// key wrote (Replayed), IDEMPOTENCY_KEY_REUSED for a different movement under that key, or else
// refusal, the reason it was not written.
func (s *Service) replayOr(tx *gorm.DB, m *Movement, refusal error) (*Transaction, error) {
	prior, err := priorKey(tx, m.keySpace(), m.TenantID, m.IdempotencyKey, m.requestHash())
	switch {
	case err != nil:
		return nil, err
	case prior == nil && refusal != nil:
		return nil, refusal
	case prior == nil:
		return nil, fmt.Errorf("ledger: idempotency key %q conflicted but is not there", m.IdempotencyKey)
	}
	out, err := findTransaction(tx, *prior)
	if out != nil {
		out.Replayed = true
	}
	return out, err
}

// ledgerAccountsOf is the set of ledger accounts m posts to.
func (s *Service) ledgerAccountsOf(m *Movement, parties map[uuid.UUID]*party) map[uuid.UUID]bool {
	ids := map[uuid.UUID]bool{}
	for _, p := range m.Postings {
		ids[s.ledgerAccountOf(p, parties)] = true
	}
	return ids
}

// lockedPartySQL reads the movement's customer accounts (f: accounts.MovementFacts with their
// ledger accounts) and locks the ledger accounts it posts to (l) in the ledger's one lock order
// (lockAccounts), in one statement. When an account that can move money has no ledger account
// yet, it locks nothing: the caller opens the missing ones first (openParties' rule) and reads
// again.
const lockedPartySQL = `
WITH f AS (SELECT f.*, la.id AS ledger_account_id FROM (?) f
		LEFT JOIN ledger_accounts la ON la.account_id = f.account_id WHERE f.account_id IN ?),
	l AS (SELECT la.id, la.kind, la.available_cents, la.last_entry_at FROM ledger_accounts la
		WHERE (la.account_id IN ? OR la.id IN ?)
		  AND NOT EXISTS (SELECT 1 FROM f WHERE f.ledger_account_id IS NULL AND f.status = ? AND f.bank_account_id IS NOT NULL)
		ORDER BY la.kind <> 'CUSTOMER', la.id FOR NO KEY UPDATE)
SELECT f.*, l.id AS locked_id, l.kind AS locked_kind, l.available_cents AS locked_available_cents,
	l.last_entry_at AS locked_last_entry_at
  FROM f FULL JOIN l ON l.id = f.ledger_account_id`

type lockedPartyRow struct {
	Party                party `gorm:"embedded"`
	LockedID             *uuid.UUID
	LockedKind           *string
	LockedAvailableCents *int64
	LockedLastEntryAt    *time.Time
}

// lockParties is openParties and lockAccounts in one round trip (two when a ledger account must
// be opened first).
func (s *Service) lockParties(tx *gorm.DB, m *Movement) (map[uuid.UUID]*party, map[uuid.UUID]*lockedAccount, error) {
	ids := m.customerIDs()
	var posted []uuid.UUID
	var system []uuid.UUID
	for _, p := range m.Postings {
		if p.customer() {
			posted = append(posted, p.AccountID)
		} else {
			system = append(system, s.system[p.System])
		}
	}
	for attempt := 0; ; attempt++ {
		var rows []lockedPartyRow
		err := tx.Raw(lockedPartySQL, accounts.MovementFacts(tx), ids, posted, system, string(accounts.StatusApproved)).Find(&rows).Error
		if err != nil {
			return nil, nil, fmt.Errorf("ledger: load and lock accounts: %w", err)
		}
		parties := make(map[uuid.UUID]*party, len(ids))
		locked := make(map[uuid.UUID]*lockedAccount, len(rows))
		var missing []uuid.UUID
		for i := range rows {
			r := &rows[i]
			if r.Party.AccountID != uuid.Nil {
				p := r.Party
				parties[p.AccountID] = &p
				if p.LedgerAccountID == nil && p.canMove() {
					missing = append(missing, p.AccountID)
				}
			}
			if r.LockedID != nil {
				locked[*r.LockedID] = &lockedAccount{ID: *r.LockedID, Kind: *r.LockedKind, AvailableCents: *r.LockedAvailableCents, LastEntryAt: r.LockedLastEntryAt}
			}
		}
		if len(missing) == 0 {
			return parties, locked, nil
		}
		if attempt > 0 {
			return nil, nil, fmt.Errorf("ledger: accounts %v still have no ledger account", missing)
		}
		if err := openLedgerAccounts(tx, missing); err != nil {
			return nil, nil, err
		}
	}
}
