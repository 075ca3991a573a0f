package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// stoneReceiver is the node receiver of testdata/stone-webhook-receiver (npm jose, written from
// Stone's description only), running as an HTTP server; Ponte reaches it through a relay that
// keeps a copy of every request, so that the test can replay them altered.
type stoneReceiver struct {
	url   string // the node server's own URL
	relay *httptest.Server

	mu       sync.Mutex
	down     bool // the relay answers 503 without forwarding, as an endpoint that is down
	downHits int  // requests answered so
	accepted []stoneAccepted
	refused  []string
	captured []capturedRequest
	changed  chan struct{} // closed and replaced on every line
}

type stoneAccepted struct {
	EventID    string `json:"event_id"`
	Duplicate  bool   `json:"duplicate"`
	EventType  string `json:"event_type"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	AccountID  string `json:"account_id"`
	Status     string `json:"status"`
	Env        string `json:"env"`
	Kid        string `json:"kid"`
	JWE        struct{ Alg, Enc string }
}

type capturedRequest struct {
	header http.Header
	body   []byte
}

// startStoneReceiver starts the node receiver with the tenant's private key (PKCS #8 PEM) and
// Ponte's JWKS URL.
func startStoneReceiver(t *testing.T, jwksURL string, privatePEM []byte) *stoneReceiver {
	t.Helper()
	dir := filepath.Join("testdata", "stone-webhook-receiver")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "jose")); err != nil {
		t.Fatalf("jose is not installed: run (cd %s && npm ci)", dir)
	}
	keyFile := filepath.Join(t.TempDir(), "tenant-key.pem")
	if err := os.WriteFile(keyFile, privatePEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", "receiver.mjs", jwksURL, keyFile)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	var hello struct{ Listening string }
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &hello) != nil || hello.Listening == "" {
		t.Fatalf("the receiver did not start: %q", lines.Text())
	}
	r := &stoneReceiver{url: hello.Listening, changed: make(chan struct{})}
	go func() {
		for lines.Scan() {
			var line struct {
				Accepted *stoneAccepted
				Refused  *string
			}
			if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
				continue
			}
			r.mu.Lock()
			if line.Accepted != nil {
				r.accepted = append(r.accepted, *line.Accepted)
			}
			if line.Refused != nil {
				r.refused = append(r.refused, *line.Refused)
			}
			close(r.changed)
			r.changed = make(chan struct{})
			r.mu.Unlock()
		}
	}()
	r.relay = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		if r.down {
			r.downHits++
			close(r.changed)
			r.changed = make(chan struct{})
			r.mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		r.captured = append(r.captured, capturedRequest{header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		code := r.post(t, req.Header, body)
		w.WriteHeader(code)
	}))
	t.Cleanup(r.relay.Close)
	return r
}

// post sends one request to the node receiver and returns its status code.
func (r *stoneReceiver) post(t *testing.T, header http.Header, body []byte) int {
	req, err := http.NewRequest(http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 500
	}
	for _, h := range []string{stoneformat.HeaderEventID, stoneformat.HeaderEventType, "Content-Type"} {
		req.Header.Set(h, header.Get(h))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 502
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor waits until done holds of what the receiver logged, or fails after a deadline.
func (r *stoneReceiver) waitFor(t *testing.T, what string, done func(accepted []stoneAccepted, refused []string) bool) {
	t.Helper()
	deadline := time.After(40 * time.Second)
	for {
		r.mu.Lock()
		ok, changed := done(r.accepted, r.refused), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("waiting for %s: accepted %+v, refused %v", what, r.accepted, r.refused)
		}
	}
}

func hasEvent(accepted []stoneAccepted, eventType, targetID string) bool {
	for _, a := range accepted {
		if a.EventType == eventType && a.TargetID == targetID {
			return true
		}
	}
	return false
}

// TestStoneWebhooksReachAStoneReceiver: a tenant registers a STONE endpoint with the public half
// of its private_key_jwt key; a receiver written from Stone's description only (node, npm jose)
// decrypts every event of a payment's life with the private half and verifies it against
// Ponte's JWKS by kid. A key rotation while an endpoint is down loses no delivery, and what
// follows it is signed by the new key. The same receiver
// refuses a delivery tampered in transit, one signed by a key not in the JWKS (also under a kid
// that is), and one encrypted to another key. Redelivery keeps the event id.
func TestStoneWebhooksReachAStoneReceiver(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_WEBHOOK_BACKOFF": "20ms"})
	tok := tenantToken(t, s)
	tenantKey, err := parsePKCS8(devidp.DemoERPPrivateKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	recv := startStoneReceiver(t, s.URL+"/api/v1/discovery/keys", devidp.DemoERPPrivateKeyPEM())
	pubDER, err := x509.MarshalPKIXPublicKey(&tenantKey.(*rsa.PrivateKey).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))

	type created struct {
		Endpoint *struct {
			ID, Format  string
			PublicKeyID *string
		}
		Secret     *string
		UserErrors []userError
	}
	const create = `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { endpoint { id format publicKeyId } secret userErrors { field code message } } }`
	// STONE without a key, or with something that is no RSA public key: userErrors on publicKey.
	for key, code := range map[string]string{"": "REQUIRED", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----": "INVALID"} {
		var c created
		gql(t, s, tok, create, map[string]any{"in": map[string]any{"url": recv.relay.URL, "format": "STONE", "publicKey": key}}).decode(t, "createWebhookEndpoint", &c)
		if c.Endpoint != nil || len(c.UserErrors) != 1 || c.UserErrors[0].Code != code || strings.Join(c.UserErrors[0].Field, ".") != "input.publicKey" {
			t.Fatalf("key %q: %+v", key, c)
		}
	}
	var c created
	gql(t, s, tok, create, map[string]any{"in": map[string]any{"url": recv.relay.URL, "format": "STONE", "publicKey": pubPEM}}).decode(t, "createWebhookEndpoint", &c)
	if c.Endpoint == nil || c.Endpoint.Format != "STONE" || c.Endpoint.PublicKeyID == nil || c.Secret != nil || len(c.UserErrors) > 0 {
		t.Fatalf("%+v", c)
	}

	from := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[13].Raw)
	to := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[14].Raw)
	deposit(t, s, tok, from, "10.00", "funds")
	var target struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": to}).decode(t, "account", &target)
	transfer := func(key string) string {
		var p paymentPayload
		gql(t, s, tok, `mutation($a: ID!, $code: String!, $key: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: $key}) { `+paymentFields+` } }`,
			map[string]any{"a": from, "code": target.BankAccount.AccountCode, "key": key}).decode(t, "createInternalTransfer", &p)
		if p.Payment == nil {
			t.Fatalf("transfer: %+v", p.UserErrors)
		}
		return p.Payment.ID
	}

	// Every event of the first payment's life, up to FINISHED.
	first := transfer("stone-1")
	recv.waitFor(t, "the first payment's approved and finished", func(a []stoneAccepted, _ []string) bool {
		return hasEvent(a, "cash_out_internal_transfer_approved", first) && hasEvent(a, "cash_out_internal_transfer_finished", first)
	})
	var lifeOfFirst []string
	recv.mu.Lock()
	for _, a := range recv.accepted {
		if a.TargetID != first {
			continue
		}
		lifeOfFirst = append(lifeOfFirst, a.EventType)
		if a.AccountID != from || a.TargetType != "internal_transfer" || a.Env != "sandbox" || a.Kid == "" ||
			a.JWE.Alg != "RSA-OAEP-256" || a.JWE.Enc != "A256GCM" {
			t.Errorf("delivery %+v", a)
		}
	}
	oldKid := recv.accepted[0].Kid
	refusedSoFar := len(recv.refused)
	recv.mu.Unlock()
	t.Logf("the first payment's life as the receiver read it: %v (kid %s)", lifeOfFirst, oldKid)
	if len(lifeOfFirst) != 2 || refusedSoFar != 0 {
		t.Fatalf("the first payment's events %v, %d refused", lifeOfFirst, refusedSoFar)
	}

	// Rotation mid-stream: the second payment's deliveries are first tried (signed with the old
	// key) while the endpoint is down, the key rotates, and their retries are signed with the new
	// one. The receiver holds the old JWKS in its cache; the new kid makes it fetch again.
	recv.mu.Lock()
	recv.down = true
	recv.mu.Unlock()
	second := transfer("stone-2")
	recv.waitFor(t, "an attempt while the endpoint is down", func([]stoneAccepted, []string) bool { return recv.downHits > 0 })
	downAt := time.Now()
	if r := gql(t, s, tok, `mutation { rotateWebhookSigningKey { key { kid } } }`, nil); r.code() != "FORBIDDEN" {
		t.Fatalf("a tenant rotated Ponte's signing key: %+v", r.Errors)
	}
	var rotated struct{ Key struct{ Kid string } }
	gql(t, s, operatorToken(t, s), `mutation { rotateWebhookSigningKey { key { kid } userErrors { code } } }`, nil).decode(t, "rotateWebhookSigningKey", &rotated)
	if rotated.Key.Kid == "" || rotated.Key.Kid == oldKid {
		t.Fatalf("rotation: %+v (old %s)", rotated, oldKid)
	}
	var jwks jose.JSONWebKeySet
	resp, err := http.Get(s.URL + "/api/v1/discovery/keys")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&jwks)
	resp.Body.Close()
	if len(jwks.Key(oldKid)) != 1 || len(jwks.Key(rotated.Key.Kid)) != 1 || jwks.Key(oldKid)[0].Use != "sig" || !jwks.Keys[0].IsPublic() {
		t.Fatalf("JWKS after rotation: %+v", jwks)
	}
	recv.mu.Lock()
	recv.down = false
	recv.mu.Unlock()
	t.Logf("rotated %s after the endpoint went down", time.Since(downAt))
	recv.waitFor(t, "the second payment's approved and finished", func(a []stoneAccepted, _ []string) bool {
		return hasEvent(a, "cash_out_internal_transfer_approved", second) && hasEvent(a, "cash_out_internal_transfer_finished", second)
	})
	// A payment after the rotation: every attempt is signed by the new key. (The second one's
	// may carry either: an attempt signed just before the rotation can land just after it, and
	// the overlap is what makes it verify.)
	third := transfer("stone-3")
	recv.waitFor(t, "the third payment's approved and finished", func(a []stoneAccepted, _ []string) bool {
		return hasEvent(a, "cash_out_internal_transfer_approved", third) && hasEvent(a, "cash_out_internal_transfer_finished", third)
	})
	recv.mu.Lock()
	newKid := 0
	for _, a := range recv.accepted {
		if a.TargetID == third && a.Kid != rotated.Key.Kid {
			t.Errorf("after the rotation %s was signed by %s", a.EventType, a.Kid)
		}
		if a.Kid == rotated.Key.Kid {
			newKid++
		}
	}
	if newKid < 3 {
		t.Errorf("%d deliveries signed by the new key", newKid)
	}
	if len(recv.refused) != 0 {
		t.Errorf("refused across the rotation: %v", recv.refused)
	}
	valid := recv.captured[len(recv.captured)-1]
	t.Logf("%d deliveries accepted, the last: %+v", len(recv.accepted), recv.accepted[len(recv.accepted)-1])
	recv.mu.Unlock()

	// A consent the demo holder grants on their account: Stone's consent_requested, whose
	// target is the granted payment account.
	holders := demoAccountID(t, s)
	consentID := grantConsent(t, s, tok, "http://localhost:3000/consent/callback", holders, "accounts:read")
	recv.waitFor(t, "consent_requested", func(a []stoneAccepted, _ []string) bool { return hasEvent(a, "consent_requested", holders) })
	recv.mu.Lock()
	for _, a := range recv.accepted {
		if strings.HasPrefix(a.EventType, "consent_") && (a.AccountID != holders ||
			a.EventType == "consent_requested" && a.TargetType != "paymentaccount" ||
			a.EventType == "consent_awaiting_authorisation" && (a.TargetType != "consent" || a.TargetID != consentID)) {
			t.Errorf("consent delivery %+v (consent %s)", a, consentID)
		}
	}
	recv.mu.Unlock()

	// Refusals, by the same receiver.
	refuse := func(name string, header http.Header, body []byte) {
		t.Helper()
		recv.mu.Lock()
		before := len(recv.refused)
		recv.mu.Unlock()
		if code := recv.post(t, header, body); code != http.StatusBadRequest {
			t.Errorf("%s: the receiver answered %d", name, code)
		}
		recv.waitFor(t, name+" refused", func(_ []stoneAccepted, r []string) bool { return len(r) > before })
		recv.mu.Lock()
		t.Logf("%s: %s", name, recv.refused[len(recv.refused)-1])
		recv.mu.Unlock()
	}
	var env struct {
		EncryptedBody string `json:"encrypted_body"`
	}
	if err := json.Unmarshal(valid.body, &env); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(env.EncryptedBody, ".")
	if len(parts) != 5 {
		t.Fatalf("not a compact JWE: %q", env.EncryptedBody)
	}
	flipped := []byte(parts[3]) // one character of the ciphertext becomes another base64url one
	if i := len(flipped) / 2; flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}
	tampered, _ := json.Marshal(map[string]string{"encrypted_body": strings.Join([]string{parts[0], parts[1], parts[2], string(flipped), parts[4]}, ".")})
	refuse("tampered in transit", valid.header, tampered)

	// The JWS inside (the test holds the tenant's key too).
	jwe, err := jose.ParseEncryptedCompact(env.EncryptedBody, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	jwsBytes, err := jwe.Decrypt(tenantKey)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(string(jwsBytes), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	claims := jws.UnsafePayloadWithoutVerification()
	var names map[string]any
	_ = json.Unmarshal(claims, &names)
	for _, k := range []string{"env", "event_type", "id", "event_happened_at", "event_notified_at", "target_type", "target_id",
		"target_detail_uri", "target_statement_uri", "target_data", "iat", "nbf", "jti"} {
		if _, ok := names[k]; !ok {
			t.Errorf("claim %s missing from %s", k, claims)
		}
	}
	seal := func(jwsText string, to *rsa.PublicKey) []byte {
		enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: to}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := enc.Encrypt([]byte(jwsText))
		if err != nil {
			t.Fatal(err)
		}
		text, _ := obj.CompactSerialize()
		body, _ := json.Marshal(map[string]string{"encrypted_body": text})
		return body
	}
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signWith := func(kid string) string {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: stranger, KeyID: kid}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := signer.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := obj.CompactSerialize()
		return text
	}
	tenantPub := &tenantKey.(*rsa.PrivateKey).PublicKey
	refuse("signed by an unknown key", valid.header, seal(signWith("not-ponte"), tenantPub))
	refuse("signed by another key under Ponte's kid", valid.header, seal(signWith(rotated.Key.Kid), tenantPub))
	refuse("encrypted to another key", valid.header, seal(string(jwsBytes), &stranger.PublicKey))
	// The untouched delivery still passes (its event id is one the receiver has seen).
	if code := recv.post(t, valid.header, valid.body); code != http.StatusOK {
		t.Fatalf("the captured delivery replayed as is: %d", code)
	}

	// Redelivery goes through the same builder, with the same event id.
	var deliveries struct {
		Nodes []struct {
			ID, WebhookID, EventName, Status string
			Attempts                         int
		}
	}
	gql(t, s, tok, `{ webhookDeliveries(first: 50) { nodes { id webhookId eventName status attempts } } }`, nil).decode(t, "webhookDeliveries", &deliveries)
	var redeliver struct{ ID, WebhookID string }
	retried := 0
	for _, d := range deliveries.Nodes {
		if d.Attempts > 1 {
			retried++
		}
		if d.Status != "SUCCEEDED" {
			t.Errorf("delivery %+v", d)
		}
		if d.EventName == "cash_out_internal_transfer_finished" {
			redeliver.ID, redeliver.WebhookID = d.ID, d.WebhookID
		}
	}
	if len(deliveries.Nodes) < 7 || retried == 0 {
		t.Fatalf("deliveries %+v: none was retried across the rotation", deliveries.Nodes)
	}
	copies := func(a []stoneAccepted) int { // how many times the receiver accepted the event
		n := 0
		for _, x := range a {
			if x.EventID == redeliver.WebhookID {
				n++
			}
		}
		return n
	}
	recv.mu.Lock()
	before := copies(recv.accepted)
	recv.mu.Unlock()
	if before == 0 {
		t.Fatalf("delivery %s was never accepted", redeliver.WebhookID)
	}
	gql(t, s, tok, `mutation($id: ID!) { redeliverWebhook(input: {deliveryId: $id}) { delivery { status } userErrors { code } } }`, map[string]any{"id": redeliver.ID})
	recv.waitFor(t, "the redelivery, under the same event id", func(a []stoneAccepted, _ []string) bool { return copies(a) > before })
}
