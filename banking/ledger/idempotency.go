package ledger

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// claimKey claims (tenant, key) for the transaction txnID about to be written in tx. It returns
// nil when the key is new. When an earlier movement holds it, it returns that movement's
// transaction (same request) or IDEMPOTENCY_KEY_REUSED (different request).
//
// The unique constraint does the work: a concurrent duplicate's INSERT waits for the first
// movement to commit or roll back, then finds its key or claims it. Because the claim is the
// first lock a movement takes, the duplicate waits holding nothing, so it cannot deadlock. Under
// PostTx the caller may already hold its own row (a payment's); the duplicates of its keys come
// from that same object, so they queue on its row before they reach the key.
func claimKey(tx *gorm.DB, tenant *uuid.UUID, key string, hash []byte, txnID uuid.UUID) (*uuid.UUID, error) {
	var claimed []uuid.UUID
	err := tx.Raw(`INSERT INTO ledger_idempotency_keys (tenant_id, key, request_hash, transaction_id)
		VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING transaction_id`,
		tenant, key, hash, txnID).Scan(&claimed).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: claim idempotency key: %w", err)
	}
	if len(claimed) == 1 {
		return nil, nil
	}
	var prior []struct {
		RequestHash   []byte
		TransactionID uuid.UUID
	}
	q := tx.Model(&models.LedgerIdempotencyKey{}).Select("request_hash, transaction_id").Where("key = ?", key)
	if tenant == nil { // IS NULL, not "= NULL", and spelled so the unique index serves it
		q = q.Where("tenant_id IS NULL")
	} else {
		q = q.Where("tenant_id = ?", *tenant)
	}
	if err := q.Scan(&prior).Error; err != nil {
		return nil, fmt.Errorf("ledger: read idempotency key: %w", err)
	}
	if len(prior) != 1 {
		return nil, fmt.Errorf("ledger: idempotency key %q conflicted but is not there", key)
	}
	if !bytes.Equal(prior[0].RequestHash, hash) {
		return nil, apperr.Field(apperr.IdempotencyKeyReused, []string{"idempotencyKey"},
			"this idempotencyKey was already used for a different request")
	}
	return &prior[0].TransactionID, nil
}
