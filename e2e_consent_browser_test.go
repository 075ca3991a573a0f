package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-bff/ponte/internal/browsertest"
)

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

	browsertest.Do(t, ctx, "revoke from my consents",
		chromedp.Navigate(s.URL+"/consents/mine"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "holder"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "holder"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.grants button`)),
		chromedp.Click(chromedp.CSS(`.grants button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.grants button`)),
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
