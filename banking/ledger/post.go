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
// Callers: Deposit and Transfer, and the domain packages that execute payments. Whoever calls it
// has already authorized the caller for every account the movement debits.
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
	hash := m.requestHash()
	var out *Transaction
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		txnID := uuid.Must(uuid.NewV7())
		prior, err := claimKey(tx, m.TenantID, m.IdempotencyKey, hash, txnID)
		if err != nil {
			return err
		}
		if prior != nil {
			out, err = findTransaction(tx, *prior)
			if out != nil {
				out.Replayed = true
			}
			return err
		}
		if err := checkParties(&m, parties); err != nil {
			return err
		}
		locked, err := s.lockAccounts(tx, &m, parties)
		if err != nil {
			return err
		}
		at := occurredAt(s.clock(), locked)
		w, err := s.apply(&m, parties, locked, txnID, at)
		if err != nil {
			return err
		}
		if err := consumeLimits(tx, &m, parties, at); err != nil {
			return err
		}
		if err := w.write(tx); err != nil {
			return err
		}
		out = w.out
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
