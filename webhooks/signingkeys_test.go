package webhooks

import (
	"bytes"
	"context"
	"crypto/x509"
	"log/slog"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/internal/testdb"
)

// Ponte's signing keys: made on first use, one signing at a time, the rotated-out one published
// until its overlap ends, the private halves sealed so that neither the rows alone nor another
// secret sign anything.
func TestSigningKeysRotateWithOverlapAndStaySealed(t *testing.T) {
	db, _ := testdb.Open(t)
	ctx := context.Background()
	svc := New(db, nil, Config{KeySecret: []byte("secret-one"), KeyOverlap: time.Hour, Logger: slog.New(slog.DiscardHandler)})

	set, err := svc.JWKS(ctx)
	if err != nil || len(set.Keys) != 1 {
		t.Fatalf("first JWKS: %+v %v", set, err)
	}
	first := set.Keys[0]
	if first.Use != "sig" || first.Algorithm != "RS256" || !first.IsPublic() || first.KeyID == "" {
		t.Fatalf("published key %+v", first)
	}
	s1, err := svc.signer(ctx)
	if err != nil || s1.KID != first.KeyID {
		t.Fatalf("signer %s, %v", s1.KID, err)
	}

	var row keyRow
	if err := db.Take(&row, "kid = ?", first.KeyID).Error; err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(s1.Key)
	if bytes.Contains(row.PrivateSealed, der[len(der)-64:]) {
		t.Fatal("the private key is stored in the clear")
	}
	other := New(db, nil, Config{KeySecret: []byte("secret-two"), Logger: slog.New(slog.DiscardHandler)})
	if _, err := other.signer(ctx); err == nil {
		t.Fatal("another secret opened the sealed key")
	}

	k, err := svc.RotateSigningKey(ctx, "operator:ops")
	if err != nil || k.KID == first.KeyID {
		t.Fatalf("rotate: %+v %v", k, err)
	}
	s2, err := svc.signer(ctx)
	if err != nil || s2.KID != k.KID {
		t.Fatalf("after rotation the signer is %s, want %s (%v)", s2.KID, k.KID, err)
	}
	set, err = svc.JWKS(ctx)
	if err != nil || len(set.Keys) != 2 || set.Keys[0].KeyID != k.KID || set.Keys[1].KeyID != first.KeyID {
		t.Fatalf("JWKS during the overlap: %+v %v", set, err)
	}
	var retired keyRow
	if err := db.Take(&retired, "kid = ?", first.KeyID).Error; err != nil || retired.RetiredAt == nil ||
		retired.PublishedUntil.Sub(*retired.RetiredAt) != time.Hour {
		t.Fatalf("retired row %+v %v", retired, err)
	}
	// Once the overlap has passed, the old key leaves the set.
	if err := db.Exec("UPDATE webhook_signing_keys SET published_until = retired_at WHERE kid = ?", first.KeyID).Error; err != nil {
		t.Fatal(err)
	}
	set, err = svc.JWKS(ctx)
	if err != nil || len(set.Keys) != 1 || set.Keys[0].KeyID != k.KID {
		t.Fatalf("JWKS after the overlap: %+v %v", set, err)
	}
	var n int64
	db.Model(&keyRow{}).Where("retired_at IS NULL").Count(&n)
	if n != 1 {
		t.Fatalf("%d active keys", n)
	}
}
