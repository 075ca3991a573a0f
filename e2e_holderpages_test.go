package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-bff/ponte/internal/browsertest"
)

// pastDueBoleto is a boleto vector whose due date (21/02/2025) has passed: paying it warns.
const pastDueBoleto = "34191999900000500007476073956397004817159203"

// createHolderPagePayments has the tenant create, on the holder's consented account, a TED with
// a description and a past-due boleto, both awaiting the holder's approval.
func createHolderPagePayments(t *testing.T, s *testServer, tok, account, prefix string) (ted, boleto paymentOut) {
	t.Helper()
	var p paymentPayload
	gql(t, s, tok, `mutation($a: ID!, $key: String!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "1234", accountCode: "56789-0", name: "Fornecedor Ltda", document: "11.222.333/0001-81"}, amount: "250.00", description: "Nota fiscal 4471", idempotencyKey: $key}) { `+paymentFields+` } }`,
		map[string]any{"a": account, "key": prefix + "-ted"}).decode(t, "createTedTransfer", &p)
	if p.Payment == nil {
		t.Fatalf("TED: %+v", p.UserErrors)
	}
	ted = *p.Payment
	p = paymentPayload{}
	gql(t, s, tok, `mutation($a: ID!, $code: String!, $key: String!) { payBarcode(input: {accountId: $a, code: $code, idempotencyKey: $key}) { `+paymentFields+` } }`,
		map[string]any{"a": account, "code": pastDueBoleto, "key": prefix + "-boleto"}).decode(t, "payBarcode", &p)
	if p.Payment == nil {
		t.Fatalf("boleto: %+v", p.UserErrors)
	}
	boleto = *p.Payment
	for _, pay := range []paymentOut{ted, boleto} {
		if pay.Status != "CREATED" || pay.Approval == nil || pay.Approval.Status != "PENDING" {
			t.Fatalf("on a consented account: %+v", pay)
		}
	}
	return ted, boleto
}

// TestHolderPagesInBrowser is the holder's one session in headless Chromium: /approvals asks for
// the login once (the development provider lists the demo people), shows who asked, what for,
// the boleto's due date with a past-due warning and the deadline in São Paulo time; the links go
// to "my consents" (scopes as sentences) and back without a new login; revoking, confirmed,
// cancels the tenant's pending payments; logging out ends the session.
func TestHolderPagesInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	account := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3000/consent/callback", account, "payments:initiate", "payments:read")
	ted, boleto := createHolderPagePayments(t, s, tok, account, "pages")
	box := func(id string) chromedp.CSS { return chromedp.CSS(`input[name="paymentId"][value="` + id + `"]`) }

	logins := func() int64 {
		t.Helper()
		var n int64
		if err := s.db.Raw("SELECT count(*) FROM holder_sessions WHERE holder_document IS NOT NULL").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := logins() // the consent's grant above logged the holder in elsewhere

	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, "open /approvals and log in once",
		chromedp.Navigate(s.URL+"/approvals"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.WaitVisible(chromedp.ID("demo-users")), // development: the demo people are listed
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "holder"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "holder"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(box(ted.ID)),
		chromedp.WaitVisible(box(boleto.ID)),
	)
	page := browsertest.Run(t, ctx, "read the approval page", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{
		"Asked by: Demo ERP", "Nota fiscal 4471", "Fornecedor Ltda",
		"Boleto due date: 21/02/2025", "Past due", "Scheduled date:", "Approve by:", "(UTC-03:00)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the approval page lacks %q:\n%s", want, page)
		}
	}

	browsertest.Do(t, ctx, "go to my consents without logging in again",
		chromedp.Click(chromedp.CSS(`nav a[href="/consents/mine"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.grants button`)),
	)
	mine := browsertest.Run(t, ctx, "read my consents", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(mine, "Create payments and transfers") || strings.Contains(mine, "payments:initiate") {
		t.Errorf("scopes do not read as sentences:\n%s", mine)
	}
	browsertest.Do(t, ctx, "and back to approvals, still logged in",
		chromedp.Click(chromedp.CSS(`nav a[href="/approvals"]`)),
		chromedp.WaitVisible(box(ted.ID)),
	)
	if n := logins() - before; n != 1 {
		t.Fatalf("%d logins, want one session for the three pages", n)
	}

	browsertest.Do(t, ctx, "revoke, confirmed",
		chromedp.Click(chromedp.CSS(`nav a[href="/consents/mine"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.grants button`)),
		chromedp.Click(chromedp.CSS(`.grants button`)),
		chromedp.WaitVisible(chromedp.CSS(`.confirm button.danger`)),
		chromedp.Click(chromedp.CSS(`.confirm button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`p.empty`)),
	)
	holder := holderTokens(t, s).AccessToken
	for _, p := range []paymentOut{ted, boleto} {
		if got := paymentStatus(t, s, holder, p.ID); got.Status != "CANCELLED" {
			t.Errorf("payment %s is %s after the holder revoked the consent, want CANCELLED", p.Kind, got.Status)
		}
	}
	browsertest.Do(t, ctx, "nothing left to approve",
		chromedp.Click(chromedp.CSS(`nav a[href="/approvals"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.empty`)),
	)

	browsertest.Do(t, ctx, "log out",
		chromedp.Click(chromedp.CSS(`nav form.logout button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		chromedp.Navigate(s.URL+"/approvals"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)), // the session ended: log in again
	)
}

// TestWrongHolderInBrowser: someone other than the account's holder logs in on the consent
// journey; the browser lands back at the tenant's redirect URI with result=rejected and
// error=wrong_holder, and the consent is REJECTED.
func TestWrongHolderInBrowser(t *testing.T) {
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
	p := requestConsent(t, s, tok, map[string]any{"accountId": demoAccountID(t, s), "scopes": []string{"ACCOUNTS_READ"}, "redirectUri": redirect, "state": "w1"})
	if p.Consent == nil {
		t.Fatalf("%+v", p.UserErrors)
	}
	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, "someone else logs in",
		chromedp.Navigate(*p.Consent.AuthorizationURL),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "other"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "other"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	q := erp.got()
	if q.Get("result") != "rejected" || q.Get("error") != "wrong_holder" || q.Get("consent_id") != p.Consent.ID || q.Get("state") != "w1" {
		t.Fatalf("the ERP got %v", q)
	}
	var c struct{ Status string }
	gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status } }`, map[string]any{"id": p.Consent.ID}).decode(t, "consent", &c)
	if c.Status != "REJECTED" {
		t.Fatalf("consent after the wrong holder: %s", c.Status)
	}
}

// TestApprovalPageSaysTheTenantLostAccess: a payment whose tenant's consent has lapsed, before
// the sweeper cancels it, is shown with the tenant's loss of access and without a box to approve it.
func TestApprovalPageSaysTheTenantLostAccess(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_SWEEP_INTERVAL": "1h"})
	tok := tenantToken(t, s)
	account := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3000/consent/callback", account, "payments:initiate", "payments:read")
	ted, _ := createHolderPagePayments(t, s, tok, account, "lapsed")
	if err := s.db.Exec("UPDATE consents SET expires_at = now() - interval '1 second'").Error; err != nil {
		t.Fatal(err)
	}
	_, p := holderPage(t, s, "/approvals", "holder")
	if !strings.Contains(p.body, "Demo ERP no longer has access to this account") {
		t.Fatalf("the page does not say the tenant lost access:\n%s", p.body)
	}
	if strings.Contains(p.body, `name="paymentId" value="`+ted.ID+`"`) {
		t.Fatalf("a payment of a tenant without access can still be ticked:\n%s", p.body)
	}
	if !strings.Contains(p.body, "Nota fiscal 4471") {
		t.Fatalf("the payment is not shown:\n%s", p.body)
	}
}

// TestHolderSessionCookieAndEnd: the holder's cookie is HttpOnly and SameSite=Lax (Secure only
// over https, so not on this plain-http development server); a logout without the page's CSRF
// token ends nothing; an expired session row sends the browser to the login again, and so does
// a logout.
func TestHolderSessionCookieAndEnd(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(s.URL + "/approvals")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("/approvals without a session: %d, cookies %v", resp.StatusCode, cookies)
	}
	if c := cookies[0]; c.Name != "ponte_holder" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Fatalf("holder cookie %+v", c)
	}

	b, p := holderPage(t, s, "/approvals", "holder")
	csrf := formFields(p.body).Get("csrf_token")
	if res := b.post(s.URL+"/consents/logout", url.Values{"csrf_token": {"forged"}}); res.status != http.StatusForbidden {
		t.Fatalf("logout with a forged token: %d", res.status)
	}
	if again := b.get(s.URL + "/consents/mine"); again.url.Path != "/consents/mine" || strings.Contains(again.body, `name="password"`) {
		t.Fatalf("a forged logout ended the session: %s\n%s", again.url, again.body)
	}
	if res := b.post(s.URL+"/consents/logout", url.Values{"csrf_token": {csrf}}); res.status != http.StatusOK || !strings.Contains(res.body, "Logged out") {
		t.Fatalf("logout: %d\n%s", res.status, res.body)
	}
	if after := b.get(s.URL + "/approvals"); !strings.Contains(after.body, `name="password"`) {
		t.Fatalf("after logging out /approvals did not ask for a login: %s", after.url)
	}

	b, _ = holderPage(t, s, "/consents/mine", "holder")
	if err := s.db.Exec("UPDATE holder_sessions SET expires_at = now() - interval '1 second'").Error; err != nil {
		t.Fatal(err)
	}
	if after := b.get(s.URL + "/consents/mine"); !strings.Contains(after.body, `name="password"`) {
		t.Fatalf("an expired session still served my consents: %s", after.url)
	}
}
