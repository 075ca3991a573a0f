package ledger

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Post writes one movement atomically: it claims the idempotency key, checks the accounts, locks
// the ledger accounts, works out the balances, consumes the cash-out limits and inserts the
// transaction and its entries, all in one database transaction, so a failure writes nothing
// (not even the key: a retry after a deposit may succeed). The clock is read once, after the locks.
//
// The same (TenantID, IdempotencyKey) with the same movement returns the original transaction
// with Replayed set and posts nothing, even while the original is still being written.
//
// Callers: Deposit and Transfer. Whoever calls it has already authorized the caller for every
// account the movement debits. To post as part of another change (a payment finishing), use
// PostTx.
//
// Errors: an apperr.List of INVALID or REQUIRED field errors; NOT_FOUND (an account);
// ACCOUNT_NOT_APPROVED; INSUFFICIENT_FUNDS; LIMIT_EXCEEDED; IDEMPOTENCY_KEY_REUSED.
func (s *Service) Post(ctx context.Context, m Movement) (*Transaction, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	parties, err := s.loadParties(ctx, m.customerIDs())
	if err != nil {
		return nil, err
	}
	var out *Transaction
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) (err error) {
		out, err = s.postIn(ctx, tx, &m, parties)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PostTx writes one movement inside the caller's transaction tx, under a savepoint: the movement
// is written with the caller's changes or not at all. It follows Post's rules (idempotency per
// (TenantID, IdempotencyKey), account checks, balance guards, limits) and returns Post's errors;
// a refused movement is rolled back to the savepoint, so it writes nothing (no key, no limit
// usage, no entry) and tx stays usable: the caller may record the refusal and commit.
//
// Callers: the domain packages that execute an operation and change its state with the posting
// (payments). The caller may hold its own rows' locks (the payment's) but no ledger account's:
// PostTx takes those in the ledger's lock order, after the key.
func (s *Service) PostTx(ctx context.Context, tx *gorm.DB, m Movement) (*Transaction, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if m.keySpace() == operationKeys {
		return s.postOperation(ctx, tx.WithContext(ctx), &m)
	}
	var out *Transaction
	err := tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		parties, err := openParties(tx, m.customerIDs())
		if err != nil {
			return err
		}
		out, err = s.postIn(ctx, tx, &m, parties)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// postIn is a movement's work inside its transaction: the key, then the checks, the locks, the
// balances, the limits, the rows and one statement_entry event per customer entry.
func (s *Service) postIn(ctx context.Context, tx *gorm.DB, m *Movement, parties map[uuid.UUID]*party) (*Transaction, error) {
	txnID := uuid.Must(uuid.NewV7())
	prior, err := claimKey(tx, m.keySpace(), m.TenantID, m.IdempotencyKey, m.requestHash(), txnID)
	if err != nil {
		return nil, err
	}
	if prior != nil {
		out, err := findTransaction(tx, *prior)
		if out != nil {
			out.Replayed = true
		}
		return out, err
	}
	if err := checkParties(m, parties); err != nil {
		return nil, err
	}
	locked, err := s.lockAccounts(tx, m, parties)
	if err != nil {
		return nil, err
	}
	at := occurredAt(s.clock(), locked)
	w, err := s.apply(m, parties, locked, txnID, at)
	if err != nil {
		return nil, err
	}
	lim, err := limitsOf(m, parties, at)
	if err != nil {
		return nil, err
	}
	if _, err := w.write(tx, lim, nil, nil); err != nil { // consumes the limits, and writes only within them
		return nil, err
	}
	if err := w.recordEntries(ctx, tx); err != nil {
		return nil, err
	}
	return w.out, nil
}
