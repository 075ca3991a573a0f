package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/webhooks"
)

// erpReceiver is an ERP's webhook endpoint: it refuses the first `failures` calls, then keeps
// what it receives, verified with the endpoint's secret.
type erpReceiver struct {
	mu       sync.Mutex
	secret   string
	failures int
	ids      []string
	types    []string
	badSig   int
}

func (e *erpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := webhooks.Verify(e.secret, r.Header, body); err != nil {
		e.badSig++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.ids = append(e.ids, r.Header.Get("webhook-id"))
	if e.failures > 0 {
		e.failures--
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	var msg struct{ Type string }
	_ = json.Unmarshal(body, &msg)
	e.types = append(e.types, msg.Type)
	w.WriteHeader(http.StatusNoContent)
}

// TestSignedWebhooksOverGraphQL: an ERP registers an endpoint through GraphQL and receives its
// payment's events, signed, the first one after two refusals with the same webhook-id; another
// tenant's payments never reach it.
func TestSignedWebhooksOverGraphQL(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_WEBHOOK_BACKOFF": "100ms"})
	tok := tenantToken(t, s)
	recv := &erpReceiver{failures: 2}
	srv := httptest.NewServer(recv)
	defer srv.Close()

	var created struct {
		Endpoint   struct{ ID string }
		Secret     string
		UserErrors []userError
	}
	gql(t, s, tok, `mutation($url: String!) { createWebhookEndpoint(input: {url: $url, events: ["cash_out_internal_transfer_finished"]}) { endpoint { id } secret userErrors { code message } } }`,
		map[string]any{"url": srv.URL + "/hooks"}).decode(t, "createWebhookEndpoint", &created)
	if created.Secret == "" || len(created.UserErrors) > 0 {
		t.Fatalf("%+v", created)
	}
	recv.mu.Lock()
	recv.secret = created.Secret
	recv.mu.Unlock()

	from := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[10].Raw)
	to := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[11].Raw)
	deposit(t, s, tok, from, "10.00", "funds")
	var target struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": to}).decode(t, "account", &target)
	gql(t, s, tok, `mutation($a: ID!, $code: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: "hook"}) { `+paymentFields+` } }`,
		map[string]any{"a": from, "code": target.BankAccount.AccountCode})

	// Another tenant's activity must not reach this endpoint.
	tok2 := tenant2Token(t, s)
	other := approvedAccount(t, s, tok2, vectors(t)["cnpj_numeric"].Valid[12].Raw)
	deposit(t, s, tok2, other, "5.00", "other-funds")

	deadline := time.Now().Add(40 * time.Second)
	for {
		recv.mu.Lock()
		done := len(recv.types) == 1
		recv.mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.types) != 1 || recv.types[0] != "cash_out_internal_transfer_finished" || recv.badSig != 0 {
		t.Fatalf("received %v, %d bad signatures", recv.types, recv.badSig)
	}
	if len(recv.ids) != 3 || recv.ids[0] != recv.ids[1] || recv.ids[1] != recv.ids[2] {
		t.Fatalf("webhook-ids across the retries: %v", recv.ids)
	}

	var deliveries struct {
		Nodes []struct {
			WebhookID, Status string
			Attempts          int
			AttemptLog        []struct{ StatusCode *int }
		}
	}
	gql(t, s, tok, `{ webhookDeliveries { nodes { webhookId status attempts attemptLog { statusCode } } } }`, nil).decode(t, "webhookDeliveries", &deliveries)
	if len(deliveries.Nodes) != 1 || deliveries.Nodes[0].Status != "SUCCEEDED" || deliveries.Nodes[0].Attempts != 3 || len(deliveries.Nodes[0].AttemptLog) != 3 {
		t.Fatalf("delivery log %+v", deliveries)
	}
	if r := gql(t, s, tok2, `mutation($id: ID!) { rotateWebhookSecret(input: {endpointId: $id}) { secret } }`, map[string]any{"id": created.Endpoint.ID}); r.code() != "FORBIDDEN" {
		t.Fatalf("another tenant rotated the secret: %+v", r.Errors)
	}
}
