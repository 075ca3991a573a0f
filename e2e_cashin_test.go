package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ponte-bff/ponte/webhooks"
)

// entryStream follows statementEntryAdded over graphql-transport-ws.
type entryStream struct {
	t    *testing.T
	conn *websocket.Conn
}

type streamedEntry struct {
	Entry struct {
		ID, Kind, Direction string
		Amount              struct{ Amount string }
	}
	AccountID, Name, Cursor string
}

// subscribeEntries subscribes to statementEntryAdded with vars (accountId, direction, after).
func subscribeEntries(t *testing.T, ctx context.Context, s *testServer, token string, vars map[string]any) *entryStream {
	t.Helper()
	conn := dialGraphQLWS(t, ctx, s, token)
	var ack wsMessage
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("ack: %+v %v", ack, err)
	}
	q, _ := json.Marshal(map[string]any{"query": `subscription($a: ID, $d: EntryDirection, $after: String) {
		statementEntryAdded(accountId: $a, direction: $d, after: $after) { entry { id kind direction amount { amount } } accountId name cursor } }`,
		"variables": vars})
	if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: q}); err != nil {
		t.Fatal(err)
	}
	return &entryStream{t: t, conn: conn}
}

// next returns the stream's next event, or the code of the error that ended it.
func (p *entryStream) next(ctx context.Context) (streamedEntry, string) {
	p.t.Helper()
	for {
		var msg wsMessage
		if err := wsjson.Read(ctx, p.conn, &msg); err != nil {
			p.t.Fatalf("read: %v", err)
		}
		switch msg.Type {
		case "next":
			var body struct {
				Data   struct{ StatementEntryAdded streamedEntry }
				Errors []gqlError
			}
			_ = json.Unmarshal(msg.Payload, &body)
			if len(body.Errors) > 0 { // refused when it began
				code, _ := body.Errors[0].Extensions["code"].(string)
				return streamedEntry{}, code
			}
			return body.Data.StatementEntryAdded, ""
		case "error":
			var errs []gqlError
			_ = json.Unmarshal(msg.Payload, &errs)
			if len(errs) == 0 {
				return streamedEntry{}, "?"
			}
			code, _ := errs[0].Extensions["code"].(string)
			return streamedEntry{}, code
		case "ping", "pong":
		default:
			p.t.Fatalf("unexpected %s: %s", msg.Type, msg.Payload)
		}
	}
}

// until reads events until one named name with amount arrives, and returns them all.
func (p *entryStream) until(ctx context.Context, name, amount string) []streamedEntry {
	p.t.Helper()
	var out []streamedEntry
	for {
		e, code := p.next(ctx)
		if code != "" {
			p.t.Fatalf("stream ended with %s after %+v", code, out)
		}
		out = append(out, e)
		if e.Name == name && e.Entry.Amount.Amount == amount {
			return out
		}
	}
}

// hookPayload is what a webhook receiver keeps of one delivery.
type hookPayload struct {
	WebhookID string
	Type      string
	Data      struct {
		AccountID *string `json:"account_id"`
		EntryID   string  `json:"entry_id"`
		Status    string
		Entry     *struct {
			Kind, Direction string
			Amount          int64
			Counterparty    *struct {
				AccountID string `json:"account_id"`
				Name      string
			}
		}
	}
}

// hookRecorder is an ERP's webhook endpoint that keeps every verified delivery.
type hookRecorder struct {
	mu     sync.Mutex
	secret string
	got    []hookPayload
	badSig int
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := webhooks.Verify(h.secret, r.Header, body); err != nil {
		h.badSig++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var p hookPayload
	_ = json.Unmarshal(body, &p)
	p.WebhookID = r.Header.Get("webhook-id")
	h.got = append(h.got, p)
	w.WriteHeader(http.StatusNoContent)
}

// waitFor polls the recorder until done says so, at most 40 s; it returns what was received.
func (h *hookRecorder) waitFor(t *testing.T, what string, done func([]hookPayload) bool) []hookPayload {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for {
		h.mu.Lock()
		got := slices.Clone(h.got)
		h.mu.Unlock()
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; received %+v", what, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// registerHook creates a webhook endpoint for the tenant of token, filtered on names (all: nil).
func registerHook(t *testing.T, s *testServer, token string, names []string) *hookRecorder {
	t.Helper()
	rec := &hookRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	var created struct {
		Secret     string
		UserErrors []userError
	}
	input := map[string]any{"url": srv.URL + "/hooks"}
	if names != nil {
		input["events"] = names
	}
	gql(t, s, token, `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { secret userErrors { code message } } }`,
		map[string]any{"in": input}).decode(t, "createWebhookEndpoint", &created)
	if created.Secret == "" || len(created.UserErrors) > 0 {
		t.Fatalf("createWebhookEndpoint: %+v", created)
	}
	rec.mu.Lock()
	rec.secret = created.Secret
	rec.mu.Unlock()
	return rec
}

func hasHook(got []hookPayload, typ string, cents int64) bool {
	return slices.ContainsFunc(got, func(p hookPayload) bool {
		return p.Type == typ && p.Data.Entry != nil && p.Data.Entry.Amount == cents
	})
}

// TestCashInEvents: money that comes in to account B (a TED received, an internal transfer from
// another tenant's account A, a barcode payment returned) reaches B's tenant's ERP exactly once
// each, over its webhook (filtered on the cash-in names) and over statementEntryAdded, with the
// entry; the subscription resumes with `after`; the tenant of A, which cannot read B, never hears
// of B's entries, by webhook or subscription, and is refused a stream on B.
func TestCashInEvents(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_WEBHOOK_BACKOFF": "100ms", "PONTE_SANDBOX_RAIL_DELAY": "100ms", testClock: businessHours})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tokB, tokA, op := tenantToken(t, s), tenant2Token(t, s), operatorToken(t, s)
	b := approvedAccount(t, s, tokB, vectors(t)["cnpj_numeric"].Valid[13].Raw)
	a := approvedAccount(t, s, tokA, vectors(t)["cnpj_numeric"].Valid[14].Raw)
	hookB := registerHook(t, s, tokB, []string{"cash_in_internal_transfer", "cash_in_external_transfer", "cash_in_payment_refund"})
	hookA := registerHook(t, s, tokA, nil)
	streamB := subscribeEntries(t, ctx, s, tokB, map[string]any{"a": b, "d": "CREDIT", "after": logStart})
	streamA := subscribeEntries(t, ctx, s, tokA, map[string]any{"after": logStart}) // every account A's tenant reads

	// A's tenant may not follow B's statement.
	if _, code := subscribeEntries(t, ctx, s, tokA, map[string]any{"a": b, "after": logStart}).next(ctx); code != "FORBIDDEN" {
		t.Fatalf("A's tenant subscribed to B's entries: %q", code)
	}

	// A TED received on B, funds on A, and A pays B by internal transfer.
	deposit(t, s, tokB, b, "5000.00", "cashin-ted")
	deposit(t, s, tokA, a, "100.00", "cashin-a")
	var code struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tokB, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": b}).decode(t, "account", &code)
	var tr paymentPayload
	gql(t, s, tokA, `mutation($a: ID!, $code: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "25.00", idempotencyKey: "cashin-tr"}) { `+paymentFields+` } }`,
		map[string]any{"a": a, "code": code.BankAccount.AccountCode}).decode(t, "createInternalTransfer", &tr)
	if tr.Payment == nil {
		t.Fatalf("transfer: %+v", tr.UserErrors)
	}
	waitStatus(t, s, tokA, tr.Payment.ID, "FINISHED")

	// B pays a barcode, which the receiving side returns: the refund is a cash-in.
	paid := createPayments(t, s, tokB, b, "", "cashin-bar")[2]
	for p := paymentStatus(t, s, tokB, paid.ID); p.Status != "FINISHED"; p = paymentStatus(t, s, tokB, paid.ID) {
		if p.FailureReason != nil {
			var bal struct {
				Balance struct{ Available struct{ Amount string } }
			}
			gql(t, s, tokB, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": b}).decode(t, "account", &bal)
			t.Fatalf("barcode payment %s %s: %s; balance %+v", p.Status, p.Amount.Amount, *p.FailureReason, bal)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var refunded struct{ Payment *paymentOut }
	gql(t, s, op, `mutation($id: ID!) { sandboxRefundPayment(input: {paymentId: $id}) { payment { status } } }`, map[string]any{"id": paid.ID}).decode(t, "sandboxRefundPayment", &refunded)
	if refunded.Payment == nil || refunded.Payment.Status != "REFUNDED" {
		t.Fatalf("refund: %+v", refunded)
	}
	refundCents, err := strconv.ParseInt(strings.Replace(paid.Amount.Amount, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatal(err)
	}

	// A sentinel on each account closes what each side may have heard.
	deposit(t, s, tokB, b, "0.77", "cashin-sentinel-b")
	deposit(t, s, tokA, a, "0.66", "cashin-sentinel-a")

	// Over the subscription: B's credits in order, each once, up to the sentinel.
	gotB := streamB.until(ctx, "cash_in_external_transfer", "0.77")
	var names []string
	for _, e := range gotB {
		if e.AccountID != b || e.Entry.Direction != "CREDIT" {
			t.Fatalf("B's CREDIT stream got %+v", e)
		}
		if e.Entry.Kind != "FEE" { // a returned fee is a credit too (statement_entry_added)
			names = append(names, e.Name+" "+e.Entry.Amount.Amount)
		}
	}
	want := []string{"cash_in_external_transfer 5000.00", "cash_in_internal_transfer 25.00", "cash_in_payment_refund " + paid.Amount.Amount, "cash_in_external_transfer 0.77"}
	if !slices.Equal(names, want) {
		t.Fatalf("B's subscription: %v, want %v", names, want)
	}

	// Resumed after the first event, it replays exactly the rest.
	resumed := subscribeEntries(t, ctx, s, tokB, map[string]any{"a": b, "d": "CREDIT", "after": gotB[0].Cursor}).until(ctx, "cash_in_external_transfer", "0.77")
	if len(resumed) != len(gotB)-1 {
		t.Fatalf("resumed %d events, want %d", len(resumed), len(gotB)-1)
	}
	for i := range resumed {
		if resumed[i].Cursor != gotB[i+1].Cursor || resumed[i].Entry.ID != gotB[i+1].Entry.ID {
			t.Fatalf("resumed event %d: %+v, want %+v", i, resumed[i], gotB[i+1])
		}
	}

	// A's tenant follows every account it reads: A's entries, never B's.
	for _, e := range streamA.until(ctx, "cash_in_external_transfer", "0.66") {
		if e.AccountID != a {
			t.Fatalf("A's tenant heard of an entry on %s: %+v", e.AccountID, e)
		}
	}

	// Over webhooks: B's ERP gets each cash-in once, with the entry.
	// Deliveries are jobs of their own and may arrive in any order: wait for every one expected.
	got := hookB.waitFor(t, "B's cash-ins", func(got []hookPayload) bool {
		return hasHook(got, "cash_in_external_transfer", 500000) && hasHook(got, "cash_in_internal_transfer", 2500) &&
			hasHook(got, "cash_in_payment_refund", refundCents) && hasHook(got, "cash_in_external_transfer", 77)
	})
	count := map[string]int{}
	ids := map[string]bool{}
	for _, p := range got {
		count[p.Type]++
		if ids[p.WebhookID] {
			t.Fatalf("webhook %s delivered twice", p.WebhookID)
		}
		ids[p.WebhookID] = true
		if p.Data.AccountID == nil || *p.Data.AccountID != b || p.Data.Entry == nil || p.Data.Entry.Direction != "CREDIT" || p.Data.Status != "CREDIT" || p.Data.EntryID == "" {
			t.Fatalf("B's webhook %+v", p)
		}
		if p.Type == "cash_in_internal_transfer" && (p.Data.Entry.Amount != 2500 || p.Data.Entry.Kind != "internal" ||
			p.Data.Entry.Counterparty == nil || p.Data.Entry.Counterparty.AccountID != a) {
			t.Fatalf("internal transfer webhook %+v", p.Data.Entry)
		}
	}
	if count["cash_in_external_transfer"] != 2 || count["cash_in_internal_transfer"] != 1 || count["cash_in_payment_refund"] != 1 || len(got) != 4 {
		t.Fatalf("B's webhooks %v", count)
	}
	if !hasHook(got, "cash_in_payment_refund", refundCents) {
		t.Fatalf("no refund of %d centavos in %+v", refundCents, got)
	}

	// A's ERP, which takes every event, hears of A's entries; once its sentinel is delivered,
	// everything before it was dispatched (in the log's order), and nothing of B went to A's tenant.
	hookA.waitFor(t, "A's debit and sentinel", func(got []hookPayload) bool {
		return hasHook(got, "cash_in_external_transfer", 66) && hasHook(got, "statement_entry_added", 2500)
	})
	var leaked int64
	if err := s.db.Raw(`SELECT count(*) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
		JOIN accounts acc ON acc.id = e.account_id WHERE e.topic = 'statement_entry' AND acc.owner_tenant_id <> d.tenant_id`).Scan(&leaked).Error; err != nil {
		t.Fatal(err)
	}
	if leaked != 0 {
		t.Fatalf("%d statement-entry deliveries to a tenant that does not own the account", leaked)
	}
	if hookA.badSig != 0 || hookB.badSig != 0 {
		t.Fatal("bad signatures")
	}
}
