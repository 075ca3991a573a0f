package webhooks_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/webhooks"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// A receivables event (named as Stone's, written by the boleto and cash-in work) reaches a STONE
// endpoint, retried after a refusal with the same x-stone-webhook-event-id, its target_data
// carrying the account; the STANDARD endpoint beside it gets the same event as before.
func TestStoneEndpointGetsAReceivablesEvent(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	stoneRcv, stdRcv := newReceiver(t, 1), newReceiver(t, 0)
	if _, err := svc.CreateStoneEndpoint(ctx, tenant, stoneRcv.URL(), "", nil, ""); apperr.CodeOf(err) != apperr.Required {
		t.Fatalf("no key: %v", err)
	}
	stone, err := svc.CreateStoneEndpoint(ctx, tenant, stoneRcv.URL(), "", []string{"cash_in_internal_transfer"},
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	if err != nil || stone.Format != webhooks.FormatStone || stone.PublicKeyID == "" {
		t.Fatalf("%+v %v", stone, err)
	}
	if _, err := svc.RotateSecret(ctx, tenant, stone.ID); apperr.CodeOf(err) != apperr.InvalidState {
		t.Fatalf("rotate a STONE endpoint's secret: %v", err)
	}
	std, _, err := svc.CreateEndpoint(ctx, tenant, stdRcv.URL(), "", nil)
	if err != nil || std.Format != webhooks.FormatStandard {
		t.Fatalf("%+v %v", std, err)
	}

	account := e.ownedAccount(tenant)
	ev := &events.Event{Name: "cash_in_internal_transfer", Topic: events.TopicPayment, TenantID: &tenant, AccountID: &account,
		ToStatus: "FINISHED", Actor: "system"}
	e.record(ev)
	e.waitDelivery(svc, tenant, stone.ID, ev, webhooks.StatusSucceeded)
	e.waitDelivery(svc, tenant, std.ID, ev, webhooks.StatusSucceeded)

	got := stoneRcv.requests()
	if len(got) != 2 || got[0].Header.Get(stoneformat.HeaderEventID) != webhooks.MessageID(ev.ID) ||
		got[1].Header.Get(stoneformat.HeaderEventID) != got[0].Header.Get(stoneformat.HeaderEventID) ||
		got[1].Header.Get(stoneformat.HeaderEventType) != "cash_in_internal_transfer" || got[1].Header.Get(webhooks.HeaderSignature) != "" {
		t.Fatalf("STONE requests %+v", got)
	}
	jwks, err := svc.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		EncryptedBody string `json:"encrypted_body"`
	}
	if err := json.Unmarshal(got[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	jwe, err := jose.ParseEncryptedCompact(body.EncryptedBody, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := jwe.Decrypt(key)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(string(inner), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	signers := jwks.Key(jws.Signatures[0].Header.KeyID)
	if len(signers) != 1 {
		t.Fatalf("kid %q not in the JWKS", jws.Signatures[0].Header.KeyID)
	}
	payload, err := jws.Verify(signers[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	var claims stoneformat.Claims
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.EventType != "cash_in_internal_transfer" || claims.TargetType != "internal_transfer" || claims.Env != "sandbox" ||
		claims.TargetData["account_id"] != globalid.Encode(globalid.Account, account) || claims.TargetID != webhooks.MessageID(ev.ID) {
		t.Fatalf("claims %+v", claims)
	}
	if std := stdRcv.requests(); len(std) != 1 || decode(t, std[0].Body).Type != "cash_in_internal_transfer" {
		t.Fatalf("STANDARD requests %+v", std)
	}
}
