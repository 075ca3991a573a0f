package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/testdb"
)

type testServer struct {
	URL    string // http://localhost:PORT
	Issuer string
	DSN    string
	db     *gorm.DB
}

// startServer runs Ponte with the development defaults plus env, on a fresh database.
func startServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	return startConfiguredServer(t, env, nil)
}

// startConfiguredServer is startServer with configure (when not nil) changing the configuration
// read from env before the server starts: what no variable sets, such as the throttle's clock.
func startConfiguredServer(t testing.TB, env map[string]string, configure func(*config)) *testServer {
	t.Helper()
	dsn := testdb.New(t)
	vars := map[string]string{"DATABASE_URL": dsn, "DB_MAX_OPEN_CONNS": "5", "SHUTDOWN_TIMEOUT": "2s", "PONTE_DRAIN_GRACE": "0s"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if configure != nil {
		configure(&cfg)
	}
	var clock func() time.Time // the payments' clock; nil: the system's
	if vars[testClock] == businessHours {
		clock = businessHoursClock()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- serve(ctx, cfg, ln, log, clock) }()
	stopOnCleanup(t, cancel, done)
	port := ln.Addr().(*net.TCPAddr).Port
	s := &testServer{URL: fmt.Sprintf("http://localhost:%d", port), Issuer: fmt.Sprintf("http://localhost:%d/idp", port), DSN: dsn}
	waitHealthy(t, s.URL, done)
	s.db, err = database.Open(context.Background(), dsn, database.Pool{MaxOpen: 2, MaxIdle: 1, MaxLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := s.db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return s
}

func waitHealthy(t testing.TB, base string, done chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server exited before it was healthy: %v", err)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server not healthy within 20s")
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// tokenResponse is the OAuth token endpoint's answer.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	Error       string `json:"error"`
}

func postToken(t testing.TB, s *testServer, form url.Values, basicID, basicSecret string) (int, tokenResponse) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.Issuer+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(basicID, basicSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr tokenResponse
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	return resp.StatusCode, tr
}

// clientToken gets a client-credentials token with a client secret in HTTP Basic.
func clientToken(t testing.TB, s *testServer, id, secret string) string {
	t.Helper()
	status, tr := postToken(t, s, url.Values{"grant_type": {"client_credentials"}}, id, secret)
	if status != http.StatusOK || tr.AccessToken == "" {
		t.Fatalf("token for %s: HTTP %d %+v", id, status, tr)
	}
	return tr.AccessToken
}

func tenantToken(t testing.TB, s *testServer) string {
	return clientToken(t, s, "demo-erp", "demo-erp-secret")
}
func tenant2Token(t testing.TB, s *testServer) string {
	return clientToken(t, s, "demo-erp-2", "demo-erp-2-secret")
}
func operatorToken(t testing.TB, s *testServer) string {
	return clientToken(t, s, "demo-operator", "demo-operator-secret")
}

// clientAssertion signs a private_key_jwt client assertion as demo-erp, as Stone's partners do.
func clientAssertion(t testing.TB, audience string) string {
	t.Helper()
	key, err := parsePKCS8(devidp.DemoERPPrivateKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	raw, err := jwt.Signed(signer).Claims(jwt.Claims{
		Issuer: "demo-erp", Subject: "demo-erp", Audience: jwt.Audience{audience}, ID: uuid.NewString(),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)),
	}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// holderTokens logs in as the demo holder through the authorization-code flow with PKCE, the
// way a person would: follow the authorize URL, fill the login form, take the code, exchange it.
func holderTokens(t testing.TB, s *testServer) tokenResponse {
	t.Helper()
	return holderLogin(t, s, "demo-holder-app", "", "http://localhost:3000/holder/callback")
}

// holderLogin logs the demo holder in at the development provider through client (a confidential
// client when secret is set) with PKCE and a nonce, and exchanges the code for its tokens.
func holderLogin(t testing.TB, s *testServer, client, secret, redirect string) tokenResponse {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	verifier := randomString(t)
	sum := sha256.Sum256([]byte(verifier))
	state := randomString(t)
	q := url.Values{
		"response_type": {"code"}, "client_id": {client}, "redirect_uri": {redirect},
		"scope": {"openid profile email"}, "state": {state}, "nonce": {randomString(t)},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	resp, err := browser.Get(s.Issuer + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action, hidden := loginForm(t, resp.Request.URL, string(page))
	form := url.Values{"username": {"holder"}, "password": {"holder"}}
	for k, v := range hidden {
		form.Set(k, v)
	}
	resp, err = browser.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), redirect) {
		t.Fatalf("login did not redirect to %s: HTTP %d %v", redirect, resp.StatusCode, loc)
	}
	if loc.Query().Get("state") != state {
		t.Fatalf("state not echoed: %s", loc)
	}
	exchange := url.Values{
		"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect}, "code_verifier": {verifier},
	}
	if secret == "" {
		exchange.Set("client_id", client)
	}
	status, tr := postToken(t, s, exchange, map[bool]string{true: client}[secret != ""], secret)
	if status != http.StatusOK || tr.AccessToken == "" {
		t.Fatalf("code exchange: HTTP %d %+v", status, tr)
	}
	return tr
}

var (
	formAction  = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input[^>]*type="hidden"[^>]*>`)
	attr        = regexp.MustCompile(`(name|value)="([^"]*)"`)
)

// loginForm finds the login form's target and its hidden fields in page.
func loginForm(t testing.TB, base *url.URL, page string) (string, map[string]string) {
	t.Helper()
	if !strings.Contains(page, `name="username"`) || !strings.Contains(page, `name="password"`) {
		t.Fatalf("no login form with username and password inputs:\n%s", page)
	}
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login form has no action:\n%s", page)
	}
	target, err := base.Parse(htmlUnescape(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	hidden := map[string]string{}
	for _, input := range hiddenInput.FindAllString(page, -1) {
		var name, value string
		for _, a := range attr.FindAllStringSubmatch(input, -1) {
			if a[1] == "name" {
				name = a[2]
			} else {
				value = htmlUnescape(a[2])
			}
		}
		hidden[name] = value
	}
	return target.String(), hidden
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func randomString(t testing.TB) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// gqlResponse is a GraphQL response over HTTP.
type gqlResponse struct {
	Status int
	Data   map[string]json.RawMessage
	Errors []gqlError
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// gql posts a GraphQL operation with a bearer token ("" for none).
func gql(t testing.TB, s *testServer, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := gqlResponse{Status: resp.StatusCode}
	raw, _ := io.ReadAll(resp.Body)
	var parsed struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []gqlError                 `json:"errors"`
	}
	if err := json.Unmarshal(raw, &parsed); err != nil {
		t.Fatalf("response is not JSON (HTTP %d): %s", resp.StatusCode, raw)
	}
	out.Data, out.Errors = parsed.Data, parsed.Errors
	return out
}

// decode reads one field of data into v.
func (r gqlResponse) decode(t testing.TB, field string, v any) {
	t.Helper()
	raw, ok := r.Data[field]
	if !ok {
		t.Fatalf("no %q in data; errors: %+v", field, r.Errors)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v (%s)", field, err, raw)
	}
}

// encodeAccountID is the global ID of an account row id, as the API shows it.
func encodeAccountID(id string) string {
	return globalid.Encode(globalid.Account, uuid.MustParse(id))
}

// testClock names the startServer option that pins the payments clock; businessHours is its one
// value: the next weekday business day at 10:00 in São Paulo, inside every payment window.
const (
	testClock     = "test:clock"
	businessHours = "business-hours"
)

func businessHoursClock() func() time.Time {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	d := brazil.BusinessDayOnOrAfter(brazil.DateOf(time.Now().In(sp)))
	pinned := time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, sp)
	start := time.Now()
	return func() time.Time { return pinned.Add(time.Since(start)) } // runs on from there
}

const requestConsentMutation = `mutation($input: RequestConsentInput!) {
  requestConsent(input: $input) {
    consent { id status scopes authorizationUrl expiresAt account { id } tenant { clientId } }
    userErrors { field code message }
  }
}`

type consentOut struct {
	ID               string
	Status           string
	Scopes           []string
	AuthorizationURL *string
	Account          *struct{ ID string }
}

type consentPayload struct {
	Consent    *consentOut
	UserErrors []userError
}

func requestConsent(t testing.TB, s *testServer, token string, input map[string]any) consentPayload {
	t.Helper()
	if _, ok := input["redirectUri"]; !ok {
		input["redirectUri"] = "http://localhost:3000/consent/callback"
	}
	r := gql(t, s, token, requestConsentMutation, map[string]any{"input": input})
	if len(r.Errors) > 0 {
		t.Fatalf("requestConsent: %+v", r.Errors)
	}
	var p consentPayload
	r.decode(t, "requestConsent", &p)
	return p
}

// demoAccountID is the seeded demo holder's account, which no tenant operates.
func demoAccountID(t testing.TB, s *testServer) string {
	t.Helper()
	var id string
	if err := s.db.Raw("SELECT id FROM accounts WHERE document = '39053344705'").Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("demo account: %v", err)
	}
	return encodeAccountID(id)
}

// holderBrowser is a person's browser: it keeps cookies and stops at the tenant's redirect URI.
type holderBrowser struct {
	t      testing.TB
	client *http.Client
}

// The demo tenants' redirect URIs (localhost:3000 and :3001) are not served: the browser stops there.
const tenantRedirectPrefix = "http://localhost:300"

func newHolderBrowser(t testing.TB) *holderBrowser {
	jar, _ := cookiejar.New(nil)
	return &holderBrowser{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), tenantRedirectPrefix) {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

// page is one response the browser landed on.
type page struct {
	status int
	url    *url.URL
	body   string
	header http.Header
}

func (b *holderBrowser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, url: resp.Request.URL, body: string(body), header: resp.Header}
}

func (b *holderBrowser) get(u string) page {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

func (b *holderBrowser) post(u string, form url.Values) page {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login fills the provider's login form on p and returns the page it leads to.
func (b *holderBrowser) login(p page, username, password string) page {
	b.t.Helper()
	action, hidden := loginForm(b.t, p.url, p.body)
	form := url.Values{"username": {username}, "password": {password}}
	for k, v := range hidden {
		form.Set(k, v)
	}
	return b.post(action, form)
}

var inputTag = regexp.MustCompile(`<input[^>]*>`)

// formFields reads the hidden inputs and the first checked radio of a page's form.
func formFields(body string) url.Values {
	v := url.Values{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		var name, value string
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			if a[1] == "name" {
				name = a[2]
			} else {
				value = htmlUnescape(a[2])
			}
		}
		if strings.Contains(tag, `type="hidden"`) || (strings.Contains(tag, `type="radio"`) && strings.Contains(tag, "checked") && v.Get(name) == "") {
			v.Set(name, value)
		}
	}
	return v
}

// decide posts the consent page's form with decision, as its buttons do.
func (b *holderBrowser) decide(s *testServer, consentPage page, decision string) page {
	form := formFields(consentPage.body)
	form.Set("decision", decision)
	return b.post(s.URL+"/consents/decide", form)
}

// journeyToConsentPage follows the authorization link, logs in and returns the consent page.
func (b *holderBrowser) journeyToConsentPage(link, username, password string) page {
	b.t.Helper()
	p := b.get(link)
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="password"`) {
		b.t.Fatalf("authorization link did not lead to the login form: %d %s\n%s", p.status, p.url, p.body)
	}
	return b.login(p, username, password)
}

func redirectResult(t testing.TB, p page) url.Values {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, tenantRedirectPrefix) {
		t.Fatalf("want a 303 to the tenant's redirect URI, got %d %q\n%s", p.status, loc, p.body)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

// callbackURL logs in on the provider's form (p) and returns the provider's redirect to Ponte's
// callback without following it.
func (b *holderBrowser) callbackURL(p page) string {
	b.t.Helper()
	saved := b.client.CheckRedirect
	b.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.Contains(req.URL.Path, "/consents/callback") {
			return http.ErrUseLastResponse
		}
		return saved(req, via)
	}
	defer func() { b.client.CheckRedirect = saved }()
	resp := b.login(p, "holder", "holder")
	cb := resp.header.Get("Location")
	if !strings.Contains(cb, "/consents/callback") {
		b.t.Fatalf("no redirect to the callback: %d %s", resp.status, cb)
	}
	return cb
}

func parsePKCS8(p []byte) (any, error) {
	block, _ := pem.Decode(p)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParsePKCS8PrivateKey(block.Bytes)
}

// postSSE sends a GraphQL operation over Server-Sent Events (POST, Accept: text/event-stream) and
// returns the open response, closed when t ends.
func postSSE(t *testing.T, ctx context.Context, s *testServer, token, query string, vars map[string]any) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// firstSSEResponse subscribes over SSE and returns the stream's first response (an event, or
// the refusal), as gql returns a query's.
func firstSSEResponse(t *testing.T, s *testServer, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp := postSSE(t, ctx, s, token, query, vars)
	out := gqlResponse{Status: resp.StatusCode}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok && strings.HasPrefix(sc.Text(), "{") { // refused before the stream began: plain JSON
			line, ok = sc.Text(), true
		}
		if !ok {
			continue
		}
		var parsed struct {
			Data   map[string]json.RawMessage `json:"data"`
			Errors []gqlError                 `json:"errors"`
		}
		if err := json.Unmarshal([]byte(line), &parsed); err != nil {
			t.Fatalf("SSE response is not JSON: %s", line)
		}
		out.Data, out.Errors = parsed.Data, parsed.Errors
		return out
	}
	t.Fatalf("subscription ended without a response (HTTP %d): %v", resp.StatusCode, sc.Err())
	return out
}

// stopOnCleanup stops a server started in a test (cancel) when t ends and reports how it
// stopped (done).
func stopOnCleanup(t testing.TB, cancel context.CancelFunc, done <-chan error) {
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("server did not shut down within 10s")
		}
	})
}
