package webhooks

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// Ponte's signing keys for STONE-format webhooks: RSA 2048, one signing at a time, every key
// still published (the JWKS) until its overlap ends, the private halves sealed in the database.

// DefaultKeyOverlap is how long a rotated-out key stays in the JWKS: far longer than a receiver
// caches the JWKS, and than the retry schedule, so that a delivery signed just before a rotation
// still verifies wherever it lands.
const DefaultKeyOverlap = 7 * 24 * time.Hour

// signingKeyBits is the size of Ponte's keys (RS256 needs at least 2048).
const signingKeyBits = 2048

// keyRow is a webhook_signing_keys row.
type keyRow = models.WebhookSigningKey

// keyCache keeps the unsealed private keys by kid: a key never changes once made.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey
}

// sealer seals private keys at rest with AES-256-GCM under a key derived from the configured
// secret, the kid as additional data (a sealed key moved to another row does not open).
func (s *Service) sealer() (cipher.AEAD, error) {
	key := sha256.Sum256(append([]byte("ponte webhook signing keys v1\x00"), s.cfg.KeySecret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (s *Service) seal(kid string, der []byte) ([]byte, error) {
	aead, err := s.sealer()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, der, []byte(kid)), nil
}

func (s *Service) unseal(kid string, sealed []byte) (*rsa.PrivateKey, error) {
	aead, err := s.sealer()
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, fmt.Errorf("webhooks: signing key %s: sealed key too short", kid)
	}
	der, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(kid))
	if err != nil {
		return nil, fmt.Errorf("webhooks: signing key %s does not open with PONTE_WEBHOOK_KEY_SECRET (was the secret changed?)", kid)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("webhooks: signing key %s is not RSA", kid)
	}
	return rk, nil
}

// newKeyRow makes a fresh signing key, sealed, created by actor at now.
func (s *Service) newKeyRow(actor string, now time.Time) (*keyRow, *rsa.PrivateKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, signingKeyBits)
	if err != nil {
		return nil, nil, err
	}
	kid := "ponte-" + now.Format("20060102") + "-" + uuid.NewString()[:8]
	pub, err := json.Marshal(jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"})
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	sealed, err := s.seal(kid, der)
	if err != nil {
		return nil, nil, err
	}
	return &keyRow{KID: kid, PublicJWK: pub, PrivateSealed: sealed, CreatedAt: now, CreatedBy: actor}, priv, nil
}

// signer returns the key that signs now, making the first one when there is none yet (two
// replicas racing make one: the unique index on the active key refuses the second).
func (s *Service) signer(ctx context.Context) (stoneformat.Signer, error) {
	for range 2 {
		var rows []keyRow
		if err := s.db.WithContext(ctx).Where("retired_at IS NULL").Limit(1).Find(&rows).Error; err != nil {
			return stoneformat.Signer{}, err
		}
		if len(rows) == 1 {
			key, err := s.privateKey(&rows[0])
			return stoneformat.Signer{KID: rows[0].KID, Key: key}, err
		}
		row, priv, err := s.newKeyRow("system", s.now())
		if err != nil {
			return stoneformat.Signer{}, err
		}
		res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row)
		if res.Error != nil {
			return stoneformat.Signer{}, res.Error
		}
		if res.RowsAffected == 1 {
			s.remember(row.KID, priv)
			return stoneformat.Signer{KID: row.KID, Key: priv}, nil
		}
	}
	return stoneformat.Signer{}, errors.New("webhooks: no signing key after two tries")
}

func (s *Service) privateKey(row *keyRow) (*rsa.PrivateKey, error) {
	s.keys.mu.Lock()
	k := s.keys.keys[row.KID]
	s.keys.mu.Unlock()
	if k != nil {
		return k, nil
	}
	k, err := s.unseal(row.KID, row.PrivateSealed)
	if err != nil {
		return nil, err
	}
	s.remember(row.KID, k)
	return k, nil
}

func (s *Service) remember(kid string, k *rsa.PrivateKey) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if s.keys.keys == nil {
		s.keys.keys = map[string]*rsa.PrivateKey{}
	}
	s.keys.keys[kid] = k
}

// SigningKey is one of Ponte's webhook signing keys, as the operator sees it.
type SigningKey struct {
	KID       string
	CreatedAt time.Time
}

// RotateSigningKey makes a new signing key, which signs every attempt from now on (retries of
// earlier deliveries included); the key it replaces stays published for Config.KeyOverlap. actor
// is the operator's name for the audit (Caller.Actor). It returns the new key.
func (s *Service) RotateSigningKey(ctx context.Context, actor string) (*SigningKey, error) {
	now := s.now()
	row, priv, err := s.newKeyRow(actor, now)
	if err != nil {
		return nil, err
	}
	until := now.Add(s.cfg.KeyOverlap)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Rotations (and the first key's creation) queue here, so exactly one key stays active.
		if err := tx.Exec("LOCK TABLE webhook_signing_keys IN SHARE ROW EXCLUSIVE MODE").Error; err != nil {
			return err
		}
		if err := tx.Model(&keyRow{}).Where("retired_at IS NULL").
			Updates(map[string]any{"retired_at": now, "published_until": until}).Error; err != nil {
			return err
		}
		return tx.Create(row).Error
	})
	if err != nil {
		return nil, err
	}
	s.remember(row.KID, priv)
	s.log.InfoContext(ctx, "webhooks: signing key rotated", "kid", row.KID, "by", actor, "old_published_until", until)
	return &SigningKey{KID: row.KID, CreatedAt: row.CreatedAt}, nil
}

// JWKS is the key set receivers verify STONE webhooks with: the key that signs and every retired
// key still in its overlap, newest first, public halves only (use "sig", alg RS256).
func (s *Service) JWKS(ctx context.Context) (*jose.JSONWebKeySet, error) {
	if _, err := s.signer(ctx); err != nil { // the set is never empty
		return nil, err
	}
	var rows []keyRow
	err := s.db.WithContext(ctx).Select("kid", "public_jwk").Where("retired_at IS NULL OR published_until > ?", s.now()).
		Order("created_at DESC, kid").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	set := &jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(rows))}
	for _, r := range rows {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(r.PublicJWK); err != nil {
			return nil, fmt.Errorf("webhooks: signing key %s: %w", r.KID, err)
		}
		set.Keys = append(set.Keys, k)
	}
	return set, nil
}
