package ledger

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// keySpace is where a movement's idempotency key lives. A caller's key (a tenant's, or an
// operator's, the sandbox's or the seeds' with no tenant) and the key of an operation Ponte
// executes ("payment:<id>", "refund:<id>") are in different spaces, so no key a caller gives can
// take an operation's: the space follows from the movement (does it execute an operation?),
// never from the key's text.
type keySpace string

const (
	callerKeys    keySpace = "caller"
	operationKeys keySpace = "operation"
)

// keySpace is the space of m's key: an operation's when m executes one (OperationID, which only
// the packages that own operations set), a caller's otherwise.
func (m *Movement) keySpace() keySpace {
	if m.OperationID != nil {
		return operationKeys
	}
	return callerKeys
}

// claimKey claims (space, tenant, key) for the transaction txnID about to be written in tx. It returns
// nil when the key is new. When an earlier movement holds it, it returns that movement's
// transaction (same request) or IDEMPOTENCY_KEY_REUSED (different request).
//
// The unique constraint does the work: a concurrent duplicate's INSERT waits for the first
// movement to commit or roll back, then finds its key or claims it. Because the claim is the
// first lock a movement takes, the duplicate waits holding nothing, so it cannot deadlock. Under
// PostTx the caller may already hold its own row (a payment's); the duplicates of its keys come
// from that same object, so they queue on its row before they reach the key.
func claimKey(tx *gorm.DB, space keySpace, tenant *uuid.UUID, key string, hash []byte, txnID uuid.UUID) (*uuid.UUID, error) {
	var claimed []uuid.UUID
	err := tx.Raw(`INSERT INTO ledger_idempotency_keys (space, tenant_id, key, request_hash, transaction_id)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (space, tenant_id, key) DO NOTHING RETURNING transaction_id`,
		string(space), tenant, key, hash, txnID).Scan(&claimed).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: claim idempotency key: %w", err)
	}
	if len(claimed) == 1 {
		return nil, nil
	}
	prior, err := priorKey(tx, space, tenant, key, hash)
	if err == nil && prior == nil {
		err = fmt.Errorf("ledger: idempotency key %q conflicted but is not there", key)
	}
	return prior, err
}

// priorKey returns the transaction an earlier movement with (space, tenant, key) wrote, nil when
// the key is free, or IDEMPOTENCY_KEY_REUSED when that movement was a different one (hash).
func priorKey(tx *gorm.DB, space keySpace, tenant *uuid.UUID, key string, hash []byte) (*uuid.UUID, error) {
	var prior []struct {
		RequestHash   []byte
		TransactionID uuid.UUID
	}
	q := tx.Model(&models.LedgerIdempotencyKey{}).Select("request_hash, transaction_id").Where("space = ? AND key = ?", string(space), key)
	if tenant == nil { // IS NULL, not "= NULL", and spelled so the unique index serves it
		q = q.Where("tenant_id IS NULL")
	} else {
		q = q.Where("tenant_id = ?", *tenant)
	}
	if err := q.Scan(&prior).Error; err != nil {
		return nil, fmt.Errorf("ledger: read idempotency key: %w", err)
	}
	if len(prior) == 0 {
		return nil, nil
	}
	if !bytes.Equal(prior[0].RequestHash, hash) {
		return nil, apperr.Field(apperr.IdempotencyKeyReused, []string{"idempotencyKey"},
			"this idempotencyKey was already used for a different request")
	}
	return &prior[0].TransactionID, nil
}
