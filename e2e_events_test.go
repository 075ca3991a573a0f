package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// paymentStream subscribes to paymentStatusChanged over graphql-transport-ws.
type paymentStream struct {
	t    *testing.T
	conn *websocket.Conn
}

type streamedPayment struct {
	Payment        struct{ ID string }
	PreviousStatus *string
	Status, Cursor string
}

func subscribePayments(t *testing.T, ctx context.Context, s *testServer, token, accountID string, after *string) *paymentStream {
	t.Helper()
	conn := dialGraphQLWS(t, ctx, s, token)
	var ack wsMessage
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("ack: %+v %v", ack, err)
	}
	vars := map[string]any{"a": accountID}
	if after != nil {
		vars["after"] = *after
	}
	q, _ := json.Marshal(map[string]any{"query": `subscription($a: ID, $after: String) { paymentStatusChanged(accountId: $a, after: $after) {
		payment { id } previousStatus status cursor } }`, "variables": vars})
	if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: q}); err != nil {
		t.Fatal(err)
	}
	return &paymentStream{t: t, conn: conn}
}

func (p *paymentStream) next(ctx context.Context) streamedPayment {
	p.t.Helper()
	for {
		var msg wsMessage
		if err := wsjson.Read(ctx, p.conn, &msg); err != nil {
			p.t.Fatalf("read: %v", err)
		}
		switch msg.Type {
		case "next":
			var body struct {
				Data   struct{ PaymentStatusChanged streamedPayment }
				Errors []gqlError
			}
			_ = json.Unmarshal(msg.Payload, &body)
			if len(body.Errors) > 0 {
				p.t.Fatalf("stream error: %+v", body.Errors)
			}
			return body.Data.PaymentStatusChanged
		case "ping", "pong":
		default:
			p.t.Fatalf("unexpected %s: %s", msg.Type, msg.Payload)
		}
	}
}

// TestApprovalReachesASubscriberOnAnotherReplica: two Ponte processes on one database; the ERP
// subscribes on A, the payment is created and executed through B, and A's subscriber sees every
// transition once, within a second each. Then it resumes from a cursor and gets exactly what it
// missed.
func TestApprovalReachesASubscriberOnAnotherReplica(t *testing.T) {
	t.Parallel()
	a := startServer(t, nil)
	// B shares A's database and trusts A's development provider.
	b := startServer(t, map[string]string{"DATABASE_URL": a.DSN, "OIDC_ISSUER": a.Issuer, "OIDC_CLIENT_SECRET": "unused-here"})
	tok := tenantToken(t, a)
	own := approvedAccount(t, a, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw)
	deposit(t, a, tok, own, "100.00", "funds")
	var target struct{ BankAccount struct{ AccountCode string } }
	other := approvedAccount(t, a, tok, vectors(t)["cnpj_numeric"].Valid[7].Raw)
	gql(t, a, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": other}).decode(t, "account", &target)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sub := subscribePayments(t, ctx, a, tok, own, nil)
	time.Sleep(300 * time.Millisecond) // the subscription is registered on A

	transfer := func(key string) string {
		var p paymentPayload
		gql(t, b, tok, `mutation($a: ID!, $code: String!, $key: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: $key}) { `+paymentFields+` } }`,
			map[string]any{"a": own, "code": target.BankAccount.AccountCode, "key": key}).decode(t, "createInternalTransfer", &p)
		if p.Payment == nil {
			t.Fatalf("%+v", p.UserErrors)
		}
		return p.Payment.ID
	}
	id := transfer("x1")
	var seen []string
	var resumeFrom string
	start := time.Now()
	for len(seen) < 2 {
		ev := sub.next(ctx)
		if ev.Payment.ID != id {
			t.Fatalf("event for another payment: %+v", ev)
		}
		seen, resumeFrom = append(seen, ev.Status), ev.Cursor
	}
	if seen[0] != "APPROVED" || seen[1] != "FINISHED" || time.Since(start) > 2*time.Second {
		t.Fatalf("statuses %v after %s", seen, time.Since(start))
	}

	// Resume: go away with the last cursor, three payments move meanwhile, come back.
	sub.conn.Close(websocket.StatusNormalClosure, "")
	ids := []string{transfer("r1"), transfer("r2"), transfer("r3")}
	time.Sleep(500 * time.Millisecond)
	again := subscribePayments(t, ctx, a, tok, own, &resumeFrom)
	want := map[string]int{}
	for _, pid := range ids {
		want[pid] = 2
	}
	for i := 0; i < 6; i++ {
		ev := again.next(ctx)
		if want[ev.Payment.ID] == 0 {
			t.Fatalf("unexpected or repeated event %+v", ev)
		}
		want[ev.Payment.ID]--
	}
	for pid, n := range want {
		if n != 0 {
			t.Fatalf("payment %s: %d events missing", pid, n)
		}
	}
}

// TestSSESubscriberSeesAnotherReplicasPayments: the same across replicas over Server-Sent Events.
func TestSSESubscriberSeesAnotherReplicasPayments(t *testing.T) {
	t.Parallel()
	a := startServer(t, nil)
	b := startServer(t, map[string]string{"DATABASE_URL": a.DSN, "OIDC_ISSUER": a.Issuer, "OIDC_CLIENT_SECRET": "unused-here"})
	tok := tenantToken(t, a)
	own := approvedAccount(t, a, tok, vectors(t)["cnpj_numeric"].Valid[13].Raw)
	other := approvedAccount(t, a, tok, vectors(t)["cnpj_numeric"].Valid[14].Raw)
	deposit(t, a, tok, own, "5.00", "funds")
	var target struct{ BankAccount struct{ AccountCode string } }
	gql(t, a, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": other}).decode(t, "account", &target)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"query": `subscription($a: ID) { paymentStatusChanged(accountId: $a) { status } }`, "variables": map[string]any{"a": own}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.URL+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	gql(t, b, tok, `mutation($a: ID!, $code: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: "sse-b"}) { `+paymentFields+` } }`,
		map[string]any{"a": own, "code": target.BankAccount.AccountCode})
	sc := bufio.NewScanner(resp.Body)
	var statuses []string
	for len(statuses) < 2 && sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "data:") {
			var ev struct {
				Data struct{ PaymentStatusChanged struct{ Status string } }
			}
			_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &ev)
			statuses = append(statuses, ev.Data.PaymentStatusChanged.Status)
		}
	}
	if strings.Join(statuses, ",") != "APPROVED,FINISHED" || time.Since(start) > 3*time.Second {
		t.Fatalf("SSE on A saw %v after %s (%v)", statuses, time.Since(start), sc.Err())
	}
}

// TestRevokedConsentStopsTheStream: every event is re-authorized for its subscriber, so once the
// consent is revoked, the holder's payments no longer reach the tenant's open subscription.
func TestRevokedConsentStopsTheStream(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	erp, erp2 := tenantToken(t, s), tenant2Token(t, s)
	holders := demoAccountID(t, s)
	consent2 := grantConsent(t, s, erp2, "http://localhost:3001/consent/callback", holders, "payments:initiate", "payments:read")
	grantConsent(t, s, erp, "http://localhost:3000/consent/callback", holders, "payments:initiate")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub := subscribePayments(t, ctx, s, erp2, holders, nil)
	time.Sleep(300 * time.Millisecond)
	mine := createPayments(t, s, erp2, holders, "", "erp2") // a TED and a barcode payment, CREATED
	for _, p := range mine[1:] {
		if ev := sub.next(ctx); ev.Payment.ID != p.ID || ev.Status != "CREATED" {
			t.Fatalf("event %+v, want %s CREATED", ev, p.ID)
		}
	}
	revoke(t, s, erp2, consent2)
	theirs := createPayments(t, s, erp, holders, "", "erp1")[1]
	readCtx, stop := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer stop()
	var msg wsMessage
	for {
		if err := wsjson.Read(readCtx, sub.conn, &msg); err != nil {
			return // nothing more reached the revoked tenant
		}
		if msg.Type == "next" {
			t.Fatalf("after revocation the tenant still received %s (payment %s)", msg.Payload, theirs.ID)
		}
	}
}
