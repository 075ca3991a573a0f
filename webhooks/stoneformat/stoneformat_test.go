package stoneformat_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

var (
	keyOnce sync.Once
	keyA    *rsa.PrivateKey
	keyB    *rsa.PrivateKey
)

// keys are two RSA keys made once for the package's tests.
func keys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		keyA, _ = rsa.GenerateKey(rand.Reader, 2048)
		keyB, _ = rsa.GenerateKey(rand.Reader, 2048)
	})
	return keyA, keyB
}

func TestParsePublicKeyReadsPEMAndJWK(t *testing.T) {
	k, _ := keys(t)
	pkix, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkixName("erp"), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := json.Marshal(jose.JSONWebKey{Key: &k.PublicKey})
	forms := map[string]string{
		"PKIX":        string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})),
		"PKCS1":       string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)})),
		"Certificate": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert})),
		"JWK":         "  " + string(jwk) + "\n",
	}
	var kid string
	for name, text := range forms {
		got, err := stoneformat.ParsePublicKey(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if kid == "" {
			kid = got.KeyID
		}
		if got.KeyID != kid || got.KeyID == "" || !got.IsPublic() || got.Use != "enc" || got.Algorithm != "RSA-OAEP-256" {
			t.Fatalf("%s: %+v (kid %q)", name, got, kid)
		}
	}
}

func pkixName(cn string) pkix.Name { return pkix.Name{CommonName: cn} }

func TestParsePublicKeyRefuses(t *testing.T) {
	k, _ := keys(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	privJWK, _ := json.Marshal(jose.JSONWebKey{Key: k})
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(k))})
	for name, text := range map[string]string{
		"Empty":      "",
		"Garbage":    "ssh-rsa AAAA",
		"BadPEM":     "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
		"TwoBlocks":  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER})) + string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER})),
		"Small":      string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER})),
		"EC":         string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})),
		"PrivateJWK": string(privJWK),
		"PrivatePEM": string(privPEM),
		"BadJWK":     `{"kty":"RSA"}`,
	} {
		if _, err := stoneformat.ParsePublicKey(text); !errors.Is(err, stoneformat.ErrPublicKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// factsFor is what webhooks reads for an event of the table.
func factsFor(name string) *stoneformat.Facts {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	desc := "invoice 42"
	f := &stoneformat.Facts{EventID: "evt_7", EventName: name, HappenedAt: now, AccountID: "acc-gid", Status: "finished", BaseURL: "https://ponte.example"}
	switch {
	case strings.HasPrefix(name, "cash_out_"):
		kind := map[string]string{"internal_transfer": "INTERNAL_TRANSFER", "external_transfer": "TED", "payment": "BOLETO", "payroll": "PAYROLL"}
		for op, k := range kind {
			if strings.HasPrefix(name, "cash_out_"+op+"_") {
				f.Payment = &models.Payment{ID: uuid.New(), Kind: k, AmountCents: 12345, FeeCents: 350, Description: &desc, CreatedAt: now, UpdatedAt: now,
					Target: models.PaymentTarget{AccountCode: "1234567", BranchCode: "0001", Name: "Fornecedor", Document: "11222333000181", DocumentType: "CNPJ", Barcode: "1979"}}
			}
		}
		f.PaymentID = "pay-gid"
	case strings.HasPrefix(name, "consent_"):
		f.Consent, f.ConsentID = &models.Consent{ID: uuid.New(), Scopes: models.Array[string]{"accounts:read"}, CreatedAt: now, ExpiresAt: now}, "consent-gid"
		f.BankAccount = &models.BankAccount{AccountCode: "7654321", BranchCode: "0001"}
	default:
		f.Fields = map[string]any{"id": "boleto-gid", "amount": int64(2100)}
	}
	return f
}

// Every event of the table becomes claims with Stone's names, a target, and account_id.
func TestEveryEventBuildsStoneClaims(t *testing.T) {
	if len(stoneformat.Names()) < 54 {
		t.Fatalf("%d names", len(stoneformat.Names()))
	}
	now := time.Date(2026, 11, 30, 12, 0, 5, 0, time.UTC)
	for _, name := range stoneformat.Names() {
		c, err := stoneformat.Build(factsFor(name), "sandbox", now, "jti-1")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.EventType == "" || c.TargetType == "" || c.TargetID == "" || c.ID != c.TargetID || c.TargetData["account_id"] != "acc-gid" ||
			c.IssuedAt != now.Unix() || c.NotBefore != now.Unix() || c.EventNotifiedAt != "2026-11-30T12:00:05Z" || c.EventHappenedAt != "2026-11-30T12:00:00Z" {
			t.Errorf("%s: %+v", name, c)
		}
		if strings.HasPrefix(name, "cash_out_") && c.TargetData["amount"] != int64(12345) {
			t.Errorf("%s: amount %v", name, c.TargetData["amount"])
		}
	}
	for ponte, stone := range map[string]string{
		"cash_out_internal_transfer_created":                      "cash_out_internal_transfer",
		"cash_out_external_transfer_delayed_to_next_business_day": "cash_out_external_transfer_scheduled",
		"cash_out_payment_refunded":                               "cash_out_payment_refunded", // the credit is cash_in_payment_refund
		"cash_out_external_transfer_refunded":                     "cash_out_external_transfer_refunded",
		"cash_in_payment_refund":                                  "cash_in_payment_refund",
		"cash_in_external_transfer_refund":                        "cash_in_external_transfer_refund",
		"consent_authorised":                                      "consent_requested",
		"barcode_payment_invoice_settled":                         "barcode_payment_invoice_settled",
	} {
		if got := stoneformat.Events[ponte].Type; got != stone {
			t.Errorf("%s is told as %s, want %s", ponte, got, stone)
		}
	}
	if _, err := stoneformat.Build(&stoneformat.Facts{EventName: "tenant_disabled"}, "sandbox", now, "j"); err == nil {
		t.Fatal("an event outside the table built claims")
	}
}

// Body seals claims as Stone does: only the recipient's private key opens it, and the JWS inside
// verifies with the signer's public key under its kid.
func TestBodyIsAJWSInsideAJWE(t *testing.T) {
	a, b := keys(t)
	claims, err := stoneformat.Build(factsFor("cash_out_internal_transfer_finished"), "production", time.Now(), "jti-2")
	if err != nil {
		t.Fatal(err)
	}
	recipient := &jose.JSONWebKey{Key: &b.PublicKey, KeyID: "erp"}
	body, err := stoneformat.Body(claims, stoneformat.Signer{KID: "ponte-1", Key: a}, recipient)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	if err := json.Unmarshal(body, &env); err != nil || len(env) != 1 {
		t.Fatalf("body %s", body)
	}
	jwe, err := jose.ParseEncryptedCompact(env["encrypted_body"], []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwe.Decrypt(a); err == nil {
		t.Fatal("another private key opened the JWE")
	}
	inner, err := jwe.Decrypt(b)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(string(inner), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if jws.Signatures[0].Header.KeyID != "ponte-1" {
		t.Fatalf("kid %q", jws.Signatures[0].Header.KeyID)
	}
	if _, err := jws.Verify(&b.PublicKey); err == nil {
		t.Fatal("verified with a key that did not sign")
	}
	payload, err := jws.Verify(&a.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(payload, &got)
	if got["event_type"] != "cash_out_internal_transfer_finished" || got["env"] != "production" || got["jti"] != "jti-2" {
		t.Fatalf("claims %v", got)
	}
}
