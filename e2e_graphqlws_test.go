package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGraphQLWSReferenceClientReceivesEvents runs the graphql-ws npm package (the protocol's own
// implementation) against Ponte: it subscribes to a tenant's payments and receives the transfer's
// APPROVED and FINISHED. .ci/run installs it (npm ci in testdata/graphql-ws-client).
func TestGraphQLWSReferenceClientReceivesEvents(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "graphql-ws-client")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-ws")); err != nil {
		t.Fatalf("graphql-ws is not installed: run (cd %s && npm ci)", dir)
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	from := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[8].Raw)
	to := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[9].Raw)
	deposit(t, s, tok, from, "10.00", "funds")
	var target struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": to}).decode(t, "account", &target)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	query := `subscription { paymentStatusChanged(accountId: "` + from + `") { status payment { id } } }`
	cmd := exec.CommandContext(ctx, "node", "client.mjs", "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", tok, query, "2")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node: %v", err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || !strings.Contains(lines.Text(), `"connected":true`) {
		t.Fatalf("the client did not connect: %q", lines.Text())
	}
	time.Sleep(200 * time.Millisecond) // the subscription is registered
	var p paymentPayload
	gql(t, s, tok, `mutation($a: ID!, $code: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: "ws"}) { `+paymentFields+` } }`,
		map[string]any{"a": from, "code": target.BankAccount.AccountCode}).decode(t, "createInternalTransfer", &p)
	var statuses []string
	for lines.Scan() {
		var res struct {
			Data struct {
				PaymentStatusChanged struct {
					Status  string
					Payment struct{ ID string }
				}
			}
		}
		if err := json.Unmarshal(lines.Bytes(), &res); err != nil {
			t.Fatalf("%v: %s", err, lines.Text())
		}
		if res.Data.PaymentStatusChanged.Payment.ID != p.Payment.ID {
			t.Fatalf("unexpected %s", lines.Text())
		}
		statuses = append(statuses, res.Data.PaymentStatusChanged.Status)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("client: %v", err)
	}
	if strings.Join(statuses, ",") != "APPROVED,FINISHED" {
		t.Fatalf("graphql-ws received %v", statuses)
	}
}

// TestSubscriptionOverSSE: the same stream over Server-Sent Events (POST, Accept: text/event-stream).
func TestSubscriptionOverSSE(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_alphanumeric"].Valid[1].Raw)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"query": `subscription($a: ID) { paymentStatusChanged(accountId: $a) { status } }`, "variables": map[string]any{"a": acc}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.Sleep(300 * time.Millisecond)
	// A deposit is not a payment; a failed transfer is: no funds, so APPROVED then FAILED.
	other := approvedAccount(t, s, tok, vectors(t)["cnpj_alphanumeric"].Valid[2].Raw)
	var target struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": other}).decode(t, "account", &target)
	gql(t, s, tok, `mutation($a: ID!, $code: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: "sse"}) { `+paymentFields+` } }`,
		map[string]any{"a": acc, "code": target.BankAccount.AccountCode})
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
	if strings.Join(statuses, ",") != "APPROVED,FAILED" {
		t.Fatalf("SSE statuses %v (%v)", statuses, sc.Err())
	}
}
