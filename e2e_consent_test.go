package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/browsertest"
)

const readAccount = `query($id: ID!) { account(id: $id) { id name document status } }`

func TestConsentJourney(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	accountID := demoAccountID(t, s)

	// Before consent the tenant cannot see the holder's account.
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("before consent: %+v", r.Errors)
	}

	p := requestConsent(t, s, tok, map[string]any{"document": "390.533.447-05", "scopes": []string{"ACCOUNTS_READ", "BALANCE_READ"}, "state": "erp-state-42"})
	if len(p.UserErrors) > 0 || p.Consent.Status != "AWAITING_AUTHORISATION" || p.Consent.AuthorizationURL == nil || p.Consent.Account != nil {
		t.Fatalf("requestConsent: %+v %+v", p.Consent, p.UserErrors)
	}
	b := newHolderBrowser(t)
	consentPage := b.journeyToConsentPage(*p.Consent.AuthorizationURL, "holder", "holder")
	for _, want := range []string{"Demo ERP", "Ver os dados da conta", "See the account", `name="decision" value="approve"`, `name="decision" value="reject"`, "csrf_token"} {
		if !strings.Contains(consentPage.body, want) {
			t.Fatalf("consent page lacks %q:\n%s", want, consentPage.body)
		}
	}
	q := redirectResult(t, b.decide(s, consentPage, "approve"))
	if q.Get("result") != "approved" || q.Get("consent_id") != p.Consent.ID || q.Get("state") != "erp-state-42" {
		t.Fatalf("redirect query %v", q)
	}

	// Within the granted scope: the account; the consent names it now.
	r := gql(t, s, tok, readAccount, map[string]any{"id": accountID})
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data["account"]), "39053344705") {
		t.Fatalf("after consent: %+v %s", r.Errors, r.Data["account"])
	}
	var list struct{ TotalCount int }
	gql(t, s, tok, `{ accounts { totalCount } }`, nil).decode(t, "accounts", &list)
	if list.TotalCount != 1 {
		t.Fatalf("consented account not listed: %+v", list)
	}
	var c struct {
		Status  string
		Account *struct{ ID string }
	}
	gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status account { id } } }`, map[string]any{"id": p.Consent.ID}).decode(t, "consent", &c)
	if c.Status != "AUTHORISED" || c.Account == nil || c.Account.ID != accountID {
		t.Fatalf("consent after approval: %+v", c)
	}

	var bal struct {
		Balance struct{ Available struct{ Amount string } }
	}
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": accountID}).decode(t, "account", &bal)
	if bal.Balance.Available.Amount != "10000.00" {
		t.Fatalf("balance within the granted scope: %+v", bal)
	}

	// Outside it: the statement was not granted; another tenant has nothing.
	if r := gql(t, s, tok, `query($id: ID!) { account(id: $id) { statement { nodes { id } } } }`, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("statement without STATEMENT_READ: %+v", r.Errors)
	}
	if resp := getWithToken(t, s.URL+"/accounts/"+accountID+"/statement.csv", tok); resp.StatusCode != 403 {
		t.Fatalf("CSV export without STATEMENT_READ: HTTP %d", resp.StatusCode)
	}
	if r := gql(t, s, tenant2Token(t, s), readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("other tenant reads the consented account: %+v", r.Errors)
	}

	// Asking again for what is already granted reports the grant instead of a duplicate.
	again := requestConsent(t, s, tok, map[string]any{"accountId": accountID, "scopes": []string{"BALANCE_READ"}})
	if again.Consent == nil || again.Consent.ID != p.Consent.ID || again.Consent.AuthorizationURL != nil {
		t.Fatalf("repeated request: %+v", again)
	}

	// Revocation applies on the very next request.
	var rev struct {
		Consent    struct{ Status, RevokedBy string }
		UserErrors []userError
	}
	gql(t, s, tok, `mutation($id: ID!) { revokeConsent(input: {consentId: $id, reason: "contract ended"}) { consent { status revokedBy } userErrors { code } } }`,
		map[string]any{"id": p.Consent.ID}).decode(t, "revokeConsent", &rev)
	if rev.Consent.Status != "REVOKED" || rev.Consent.RevokedBy != "tenant:demo-erp" {
		t.Fatalf("revoke: %+v", rev)
	}
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("after revocation: %+v", r.Errors)
	}
	if r := gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("balance after revocation: %+v", r.Errors)
	}

	// Every transition is in the append-only history.
	var events []struct{ FromStatus, ToStatus, Actor, RequestID string }
	s.db.Raw(`SELECT coalesce(from_status, '') AS from_status, to_status, actor, coalesce(request_id, '') AS request_id FROM events WHERE topic = 'consent' ORDER BY id`).Scan(&events)
	if len(events) != 3 || events[1].ToStatus != "AUTHORISED" || !strings.HasPrefix(events[1].Actor, "holder:") || events[2].ToStatus != "REVOKED" {
		t.Fatalf("events %+v", events)
	}
	for _, e := range events {
		if e.RequestID == "" {
			t.Fatalf("event without the request that caused it: %+v", e)
		}
	}
	if err := s.db.Exec("UPDATE events SET actor = 'x' WHERE topic = 'consent'").Error; err == nil {
		t.Fatal("the event log accepted an UPDATE")
	}
}

func TestConsentExpiryAppliesAtOnce(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	accountID := demoAccountID(t, s)
	p := requestConsent(t, s, tok, map[string]any{"accountId": accountID, "scopes": []string{"ACCOUNTS_READ"}})
	b := newHolderBrowser(t)
	redirectResult(t, b.decide(s, b.journeyToConsentPage(*p.Consent.AuthorizationURL, "holder", "holder"), "approve"))
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	// The grant's end passes: the very next request is refused, before any sweeper runs.
	if err := s.db.Exec("UPDATE consents SET expires_at = ?", time.Now().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("expired grant still works: %+v", r.Errors)
	}
}

func TestConsentRefusals(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	accountID := demoAccountID(t, s)
	newLink := func(t *testing.T) (string, string) {
		p := requestConsent(t, s, tok, map[string]any{"accountId": accountID, "scopes": []string{"ACCOUNTS_READ", "BALANCE_READ"}})
		if p.Consent == nil || p.Consent.AuthorizationURL == nil {
			t.Fatalf("%+v", p.UserErrors)
		}
		return p.Consent.ID, *p.Consent.AuthorizationURL
	}
	status := func(t *testing.T, id string) string {
		var c struct{ Status string }
		gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status } }`, map[string]any{"id": id}).decode(t, "consent", &c)
		return c.Status
	}
	nothingGranted := func(t *testing.T, id string) {
		t.Helper()
		if st := status(t, id); st == "AUTHORISED" {
			t.Fatalf("consent %s was granted", id)
		}
		if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
			t.Fatalf("the tenant reads the account: %+v", r.Errors)
		}
	}

	t.Run("WrongHolderLogsIn", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		// The link is spent: the consent ends REJECTED at once and the browser goes back to the
		// tenant, which learns why.
		q := redirectResult(t, b.journeyToConsentPage(link, "other", "other"))
		if q.Get("result") != "rejected" || q.Get("error") != "wrong_holder" || q.Get("consent_id") != id {
			t.Fatalf("wrong holder: back at the tenant with %v", q)
		}
		nothingGranted(t, id)
		if st := status(t, id); st != "REJECTED" {
			t.Fatalf("consent after the wrong holder logged in: %s", st)
		}
		key, _ := globalid.DecodeAs(id, globalid.Consent)
		var reason string
		if err := s.db.Raw("SELECT reason FROM events WHERE consent_id = ? AND to_status = 'REJECTED'", key).Scan(&reason).Error; err != nil || reason != "wrong_holder" {
			t.Fatalf("rejection event's reason %q (%v), want wrong_holder", reason, err)
		}
	})

	t.Run("LinkIsSingleUse", func(t *testing.T) {
		id, link := newLink(t)
		newHolderBrowser(t).get(link)
		if p := newHolderBrowser(t).get(link); p.status != http.StatusNotFound {
			t.Fatalf("second use of the link: %d", p.status)
		}
		nothingGranted(t, id)
	})

	t.Run("ReplayedState", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		cb := b.callbackURL(b.get(link))
		if first := b.get(cb); first.status != http.StatusOK || !strings.Contains(first.body, `value="approve"`) {
			t.Fatalf("first callback: %d", first.status)
		}
		// The same state again, even from the same browser: refused before any code exchange.
		if replay := b.get(cb); replay.status != http.StatusConflict || strings.Contains(replay.body, `value="approve"`) {
			t.Fatalf("replayed state: %d", replay.status)
		}
		nothingGranted(t, id)
	})

	t.Run("CallbackWithoutTheCookie", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		cb := b.callbackURL(b.get(link))
		// A browser that never started this login brings the callback: refused, and the holder's
		// own browser can still finish (nothing of theirs was burned).
		stranger := newHolderBrowser(t).get(cb)
		if stranger.status != http.StatusBadRequest || !strings.Contains(stranger.body, "browser that started") {
			t.Fatalf("callback without cookie: %d\n%s", stranger.status, stranger.body)
		}
		nothingGranted(t, id)
		if own := b.get(cb); own.status != http.StatusOK || !strings.Contains(own.body, `value="approve"`) {
			t.Fatalf("the holder's own browser after the stranger: %d", own.status)
		}
	})

	t.Run("TamperedNonce", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		p := b.get(link)
		// The nonce Ponte expects no longer matches the one the provider put in the ID token.
		if err := s.db.Exec("UPDATE holder_sessions SET nonce = 'tampered' WHERE consent_id = (SELECT id FROM consents ORDER BY created_at DESC LIMIT 1)").Error; err != nil {
			t.Fatal(err)
		}
		res := b.login(p, "holder", "holder")
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "login could not be verified") {
			t.Fatalf("tampered nonce: %d\n%s", res.status, res.body)
		}
		nothingGranted(t, id)
	})

	t.Run("ExpiredLink", func(t *testing.T) {
		id, link := newLink(t)
		if err := s.db.Exec("UPDATE consents SET link_expires_at = now() - interval '1 second' WHERE link_used_at IS NULL AND status = 'AWAITING_AUTHORISATION'").Error; err != nil {
			t.Fatal(err)
		}
		if p := newHolderBrowser(t).get(link); p.status != http.StatusGone {
			t.Fatalf("expired link: %d", p.status)
		}
		if st := status(t, id); st != "EXPIRED" {
			t.Fatalf("status %s, want EXPIRED", st)
		}
		nothingGranted(t, id)
	})

	t.Run("RedirectURINotRegistered", func(t *testing.T) {
		p := requestConsent(t, s, tok, map[string]any{"accountId": accountID, "scopes": []string{"ACCOUNTS_READ"}, "redirectUri": "https://evil.example/cb"})
		if p.Consent != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" || p.UserErrors[0].Field[1] != "redirectUri" {
			t.Fatalf("%+v", p)
		}
	})

	t.Run("AnotherTenantUsesTheConsentID", func(t *testing.T) {
		id, _ := newLink(t)
		tok2 := tenant2Token(t, s)
		for _, q := range []string{
			`query($id: ID!) { consent(id: $id) { status } }`,
			`query($id: ID!) { node(id: $id) { id } }`,
			`mutation($id: ID!) { revokeConsent(input: {consentId: $id}) { consent { status } } }`,
		} {
			if r := gql(t, s, tok2, q, map[string]any{"id": id}); r.code() != "FORBIDDEN" {
				t.Errorf("%s: %+v", q, r.Errors)
			}
		}
	})

	t.Run("CSRFTokenMissing", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		cp := b.journeyToConsentPage(link, "holder", "holder")
		form := formFields(cp.body)
		form.Del("csrf_token")
		form.Set("decision", "approve")
		if res := b.post(s.URL+"/consents/decide", form); res.status != http.StatusForbidden {
			t.Fatalf("decision without CSRF token: %d", res.status)
		}
		nothingGranted(t, id)
	})

	t.Run("DecisionPostedTwice", func(t *testing.T) {
		id, link := newLink(t)
		b := newHolderBrowser(t)
		cp := b.journeyToConsentPage(link, "holder", "holder")
		redirectResult(t, b.decide(s, cp, "reject"))
		if res := b.decide(s, cp, "approve"); res.status != http.StatusConflict {
			t.Fatalf("second decision: %d", res.status)
		}
		if st := status(t, id); st != "REJECTED" {
			t.Fatalf("status %s after reject then approve", st)
		}
		nothingGranted(t, id)
	})
}

// tenantCallbackPath is the path of the ERP's redirect URI.
const tenantCallbackPath = "/consent/callback"

// tenantCallback is the ERP's redirect URI endpoint: it records what the holder's browser brought
// there. Anything else the browser asks the ERP for (full Chromium fetches /favicon.ico after
// the page) is not found and recorded nowhere.
type tenantCallback struct {
	mu    sync.Mutex
	query url.Values
}

func (c *tenantCallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != tenantCallbackPath {
		http.NotFound(w, r)
		return
	}
	c.mu.Lock()
	c.query = r.URL.Query()
	c.mu.Unlock()
	_, _ = w.Write([]byte("<!doctype html><title>ERP</title><p id=done>back at the ERP</p>"))
}

func (c *tenantCallback) got() url.Values {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.query
}

// TestConsentJourneyInBrowser is the holder's journey in headless Chromium, clicking the real
// buttons: the link, the provider's login form, the consent page, back at the ERP; then the
// holder revokes the grant from "my consents".
func TestConsentJourneyInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	s := startServer(t, nil)
	erp := &tenantCallback{}
	erpSrv := httptest.NewServer(erp)
	defer erpSrv.Close()
	redirect := erpSrv.URL + tenantCallbackPath
	if err := s.db.Exec("UPDATE tenants SET redirect_uris = array_append(redirect_uris, ?) WHERE client_id = 'demo-erp'", redirect).Error; err != nil {
		t.Fatal(err)
	}
	tok := tenantToken(t, s)
	accountID := demoAccountID(t, s)
	p := requestConsent(t, s, tok, map[string]any{"accountId": accountID, "scopes": []string{"ACCOUNTS_READ", "BALANCE_READ"}, "redirectUri": redirect, "state": "s1"})
	if p.Consent == nil {
		t.Fatalf("%+v", p.UserErrors)
	}

	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, "log in and approve",
		chromedp.Navigate(*p.Consent.AuthorizationURL),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "holder"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "holder"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[name="decision"][value="approve"]`)),
		chromedp.Click(chromedp.CSS(`button[name="decision"][value="approve"]`)),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	q := erp.got()
	if q.Get("result") != "approved" || q.Get("consent_id") != p.Consent.ID || q.Get("state") != "s1" {
		t.Fatalf("the ERP got %v", q)
	}
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); len(r.Errors) > 0 {
		t.Fatalf("after approval in the browser: %+v", r.Errors)
	}

	// The login of the consent journey is the holder's session on the other pages too: "my
	// consents" opens without a new login; revoking asks for confirmation first.
	browsertest.Do(t, ctx, "revoke from my consents",
		chromedp.Navigate(s.URL+"/consents/mine"),
		chromedp.WaitVisible(chromedp.CSS(`.grants button`)),
		chromedp.Click(chromedp.CSS(`.grants button`)),
		chromedp.WaitVisible(chromedp.CSS(`.confirm button.danger`)),
		chromedp.Click(chromedp.CSS(`.confirm button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`p.empty`)), // back at the list, with no grant left
	)
	if r := gql(t, s, tok, readAccount, map[string]any{"id": accountID}); r.code() != "FORBIDDEN" {
		t.Fatalf("after the holder revoked: %+v", r.Errors)
	}
	var c struct{ Status, RevokedBy string }
	gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status revokedBy } }`, map[string]any{"id": p.Consent.ID}).decode(t, "consent", &c)
	if c.Status != "REVOKED" || c.RevokedBy == "" || c.RevokedBy[:7] != "holder:" {
		t.Fatalf("consent after the holder revoked: %+v", c)
	}
}

// TestConsentStatusChangedSubscription: an ERP subscribed over WebSocket sees its consent move
// to AUTHORISED when the holder approves, and the other tenant's subscription sees nothing.
func TestConsentStatusChangedSubscription(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	subscribe := func(token string) *websocket.Conn {
		conn := dialGraphQLWS(t, ctx, s, token)
		var ack wsMessage
		if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
			t.Fatalf("ack: %+v %v", ack, err)
		}
		// From the start of the log: the replay covers whatever happens before the subscription
		// is registered, so no event is missed however slowly the server gets to it.
		q, _ := json.Marshal(map[string]any{"query": `subscription($after: String) { consentStatusChanged(after: $after) { consent { id } previousStatus status } }`,
			"variables": map[string]any{"after": logStart}})
		if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: q}); err != nil {
			t.Fatal(err)
		}
		return conn
	}
	mine, others := subscribe(tok), subscribe(tenant2Token(t, s))

	p := requestConsent(t, s, tok, map[string]any{"accountId": demoAccountID(t, s), "scopes": []string{"ACCOUNTS_READ"}})
	b := newHolderBrowser(t)
	redirectResult(t, b.decide(s, b.journeyToConsentPage(*p.Consent.AuthorizationURL, "holder", "holder"), "approve"))

	var statuses []string
	for len(statuses) < 2 {
		var msg wsMessage
		if err := wsjson.Read(ctx, mine, &msg); err != nil {
			t.Fatalf("after %v: %v", statuses, err)
		}
		if msg.Type != "next" {
			continue
		}
		var body struct {
			Data struct {
				ConsentStatusChanged struct {
					Consent struct{ ID string }
					Status  string
				}
			}
		}
		_ = json.Unmarshal(msg.Payload, &body)
		ev := body.Data.ConsentStatusChanged
		if ev.Consent.ID != p.Consent.ID {
			t.Fatalf("event for another consent: %s", msg.Payload)
		}
		statuses = append(statuses, ev.Status)
	}
	if strings.Join(statuses, ",") != "AWAITING_AUTHORISATION,AUTHORISED" {
		t.Fatalf("statuses %v", statuses)
	}
	readCtx, cancelRead := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelRead()
	for {
		var msg wsMessage
		if err := wsjson.Read(readCtx, others, &msg); err != nil {
			break // nothing for the other tenant
		}
		if msg.Type == "next" {
			t.Fatalf("the other tenant saw %s", msg.Payload)
		}
	}
}

// TestNothingOfARevokedConsentsAccountReachesTheTenant: once the consent is revoked, the cash-out
// the tenant created through it is cancelled in the same transaction (the holder can no longer
// approve it), and the tenant's webhook hears the revocation but nothing more of the account.
func TestNothingOfARevokedConsentsAccountReachesTheTenant(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_WEBHOOK_BACKOFF": "100ms"})
	erp2 := tenant2Token(t, s)
	holders := demoAccountID(t, s)
	recv := &erpReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	var created struct{ Secret string }
	gql(t, s, erp2, `mutation($url: String!) { createWebhookEndpoint(input: {url: $url}) { secret } }`,
		map[string]any{"url": srv.URL + "/hooks"}).decode(t, "createWebhookEndpoint", &created)
	recv.mu.Lock()
	recv.secret = created.Secret
	recv.mu.Unlock()
	received := func(name string) int {
		recv.mu.Lock()
		defer recv.mu.Unlock()
		n := 0
		for _, typ := range recv.types {
			if typ == name {
				n++
			}
		}
		return n
	}
	waitReceived := func(name string, n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for received(name) < n {
			if time.Now().After(deadline) {
				recv.mu.Lock()
				defer recv.mu.Unlock()
				t.Fatalf("%s never arrived %d times; received %v", name, n, recv.types)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	consent := grantConsent(t, s, erp2, "http://localhost:3001/consent/callback", holders, "payments:initiate", "payments:read")
	pending := createPayments(t, s, erp2, holders, "", "revoked")[1:] // a TED and a barcode payment, CREATED
	waitReceived("cash_out_external_transfer_created", 1)
	waitReceived("cash_out_payment_created", 1)

	revoke(t, s, erp2, consent)
	holder := holderTokens(t, s).AccessToken
	var ids []string
	for _, p := range pending {
		if got := paymentStatus(t, s, holder, p.ID); got.Status != "CANCELLED" {
			t.Errorf("payment %s is %s after the revocation, want CANCELLED", p.Kind, got.Status)
		}
		ids = append(ids, p.ID)
	}
	var decided struct {
		Payments   []struct{ Status string }
		UserErrors []userError
	}
	gql(t, s, holder, `mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { payments { status } userErrors { field code message } } }`,
		map[string]any{"ids": ids}).decode(t, "approvePayments", &decided)
	if len(decided.UserErrors) != 2 {
		t.Fatalf("the holder approved payments of a revoked consent: %+v", decided)
	}

	// The cancellations of its own payments are news the tenant gets: they say the payments
	// will not run, and why.
	waitReceived("cash_out_external_transfer_cancelled", 1)
	waitReceived("cash_out_payment_cancelled", 1)
	waitReceived("consent_revoked", 1)
	var reasons []string
	accountKey, _ := globalid.DecodeAs(holders, globalid.Account)
	if err := s.db.Raw(`SELECT reason FROM events WHERE payment_id IN (SELECT id FROM payments WHERE account_id = ? AND status = 'CANCELLED')
		AND to_status = 'CANCELLED' ORDER BY id`, accountKey).Scan(&reasons).Error; err != nil {
		t.Fatal(err)
	}
	if len(reasons) != 2 || reasons[0] != "consent_revoked" || reasons[1] != "consent_revoked" {
		t.Errorf("cancellation events' reasons: %v, want consent_revoked twice", reasons)
	}

	// Anything else of the account stays withheld: an event of the tenant's payment on the
	// account for any other reason, recorded in the log as the payments domain would, never
	// reaches it. A later event of the tenant is dispatched after that: once it arrived, the
	// account's event was withheld, not late.
	before := receivedTotal(recv)
	var tenant, payment struct{ ID uuid.UUID }
	if err := s.db.Raw("SELECT id FROM tenants WHERE client_id = 'demo-erp-2'").Scan(&tenant).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.db.Raw("SELECT id FROM payments WHERE account_id = ? AND status = 'CANCELLED' ORDER BY id LIMIT 1", accountKey).Scan(&payment).Error; err != nil {
		t.Fatal(err)
	}
	other := "a later change of the account"
	if err := events.Record(context.Background(), s.db, &events.Event{Name: "cash_out_external_transfer_cancelled", Topic: events.TopicPayment,
		TenantID: &tenant.ID, AccountID: &accountKey, PaymentID: &payment.ID, ToStatus: "CANCELLED", Actor: "system", Reason: &other}); err != nil {
		t.Fatal(err)
	}
	requestConsent(t, s, erp2, map[string]any{"accountId": holders, "scopes": []string{"ACCOUNTS_READ"}, "redirectUri": "http://localhost:3001/consent/callback"})
	waitReceived("consent_awaiting_authorisation", 2)
	if received("consent_revoked") != 1 {
		t.Error("the tenant did not hear of the revocation")
	}
	if got := receivedTotal(recv) - before; got != 1 {
		recv.mu.Lock()
		defer recv.mu.Unlock()
		t.Errorf("after the cancellations the tenant received %d events (%v); want only the new consent's", got, recv.types)
	}
	for _, name := range []string{"cash_out_external_transfer_cancelled", "cash_out_payment_cancelled"} {
		if n := received(name); n != 1 {
			t.Errorf("the tenant received %s %d times, want once", name, n)
		}
	}
}

// receivedTotal is how many webhooks recv has accepted.
func receivedTotal(recv *erpReceiver) int {
	recv.mu.Lock()
	defer recv.mu.Unlock()
	return len(recv.types)
}
