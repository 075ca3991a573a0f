package devidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"gorm.io/gorm"
)

// StoredSigningKey returns the development provider's signing key kept in the database (table
// dev_signing_keys), creating it on the first start. A restart then signs with the same key and
// publishes the same kid, so the tokens a developer pasted before it still verify. Two servers
// starting at once on one database agree: the first insert wins and both read it back.
func StoredSigningKey(ctx context.Context, db *gorm.DB) (*rsa.PrivateKey, error) {
	stored, err := readStoredKey(ctx, db)
	if err != nil || stored != "" {
		return parseStoredKey(stored, err)
	}
	fresh, err := rsa.GenerateKey(rand.Reader, minRSABits)
	if err != nil {
		return nil, fmt.Errorf("devidp: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(fresh)
	if err != nil {
		return nil, fmt.Errorf("devidp: encode signing key: %w", err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err := db.WithContext(ctx).Exec(
		`INSERT INTO dev_signing_keys (id, private_pem) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, pemText).Error; err != nil {
		return nil, fmt.Errorf("devidp: store signing key: %w", err)
	}
	return parseStoredKey(readStoredKey(ctx, db))
}

// readStoredKey returns the stored PEM, or "" when there is none yet.
func readStoredKey(ctx context.Context, db *gorm.DB) (string, error) {
	var stored string
	if err := db.WithContext(ctx).Raw(`SELECT private_pem FROM dev_signing_keys WHERE id = 1`).Scan(&stored).Error; err != nil {
		return "", fmt.Errorf("devidp: read signing key: %w", err)
	}
	return stored, nil
}

func parseStoredKey(stored string, err error) (*rsa.PrivateKey, error) {
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(stored))
	if block == nil {
		return nil, fmt.Errorf("devidp: the stored signing key is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("devidp: parse stored signing key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("devidp: the stored signing key is a %T, not RSA", parsed)
	}
	return key, nil
}
