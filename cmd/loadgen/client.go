package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// api talks to one running Ponte over HTTP, as an ERP would.
type api struct {
	base string // http://localhost:PORT
	hc   *http.Client
}

func newAPI(base string, conns int) *api {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns * 2
	tr.MaxIdleConnsPerHost = conns * 2 // closed-loop clients reuse their connections: no churn
	return &api{base: strings.TrimRight(base, "/"), hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// gqlResult is a GraphQL response: data by field, and the errors.
type gqlResult struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// errorText is the first error's code and message, "" when there is none.
func (r gqlResult) errorText() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return strings.TrimSpace(code + " " + r.Errors[0].Message)
}

// gql posts one operation with a bearer token and decodes field of data into out (when out is
// not nil). A transport failure, a non-JSON answer or a GraphQL error is an error.
func (a *api) gql(ctx context.Context, token, query string, vars map[string]any, field string, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var r gqlResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d, not JSON: %.200s", resp.StatusCode, raw)
	}
	if msg := r.errorText(); msg != "" {
		return fmt.Errorf("graphql: %s", msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Data[field], out); err != nil {
		return fmt.Errorf("decode %s: %w (%.200s)", field, err, r.Data[field])
	}
	return nil
}

// userError is a mutation's business refusal.
type userError struct {
	Field         []string
	Code, Message string
}

func userErrorsText(ues []userError) error {
	if len(ues) == 0 {
		return nil
	}
	return fmt.Errorf("userError %s: %s", ues[0].Code, ues[0].Message)
}

// token is a bearer token renewed before it expires (the development provider's default
// lifetime is 15 minutes; a long run outlives it).
type token struct {
	mu      sync.Mutex
	value   string
	fetched time.Time
	fetch   func(context.Context) (string, error)
}

func (t *token) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.value == "" || time.Since(t.fetched) > 5*time.Minute {
		v, err := t.fetch(ctx)
		if err != nil {
			return "", err
		}
		t.value, t.fetched = v, time.Now()
	}
	return t.value, nil
}

// clientToken is a client-credentials token with the client's secret in HTTP Basic.
func (a *api) clientToken(id, secret string) *token {
	return &token{fetch: func(ctx context.Context) (string, error) {
		return a.postToken(ctx, url.Values{"grant_type": {"client_credentials"}}, id, secret, a.hc)
	}}
}

func (a *api) postToken(ctx context.Context, form url.Values, id, secret string, hc *http.Client) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/idp/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" {
		return "", fmt.Errorf("token (%s): HTTP %d %s", form.Get("grant_type"), resp.StatusCode, tr.Error)
	}
	return tr.AccessToken, nil
}

// browser is a person's browser: it keeps cookies and stops at redirects to the apps' redirect
// URIs (http://localhost:3000…, which nothing serves).
type browser struct {
	hc *http.Client
}

const appRedirectPrefix = "http://localhost:300"

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{hc: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), appRedirectPrefix) {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

// page is where the browser landed.
type page struct {
	status   int
	url      *url.URL
	body     string
	location string
}

func (b *browser) do(ctx context.Context, method, u string, form url.Values) (page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, url: resp.Request.URL, body: string(raw), location: resp.Header.Get("Location")}, nil
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	inputTag   = regexp.MustCompile(`<input[^>]*>`)
	attr       = regexp.MustCompile(`(name|value)="([^"]*)"`)
)

// formFields reads the hidden inputs and the first checked radio of a page's form.
func formFields(body string) url.Values {
	v := url.Values{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		radio := strings.Contains(tag, `type="radio"`) && strings.Contains(tag, "checked")
		if !strings.Contains(tag, `type="hidden"`) && !radio {
			continue
		}
		var name, value string
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			if a[1] == "name" {
				name = a[2]
			} else {
				value = htmlUnescape(a[2])
			}
		}
		if !radio || v.Get(name) == "" {
			v.Set(name, value)
		}
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// login fills the provider's login form on p as username/password.
func (b *browser) login(ctx context.Context, p page, username, password string) (page, error) {
	if !strings.Contains(p.body, `name="password"`) {
		return page{}, fmt.Errorf("no login form at %s (HTTP %d)", p.url, p.status)
	}
	m := formAction.FindStringSubmatch(p.body)
	if m == nil {
		return page{}, errors.New("login form has no action")
	}
	target, err := p.url.Parse(htmlUnescape(m[1]))
	if err != nil {
		return page{}, err
	}
	form := formFields(p.body)
	form.Set("username", username)
	form.Set("password", password)
	return b.do(ctx, http.MethodPost, target.String(), form)
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// holderToken logs in as the demo holder through the authorization-code flow with PKCE, as the
// holder's app does: follow the authorize URL, fill the login form, exchange the code.
func (a *api) holderToken() *token {
	return &token{fetch: func(ctx context.Context) (string, error) {
		const redirect = "http://localhost:3000/holder/callback"
		b := newBrowser()
		verifier, state := randomString(), randomString()
		sum := sha256.Sum256([]byte(verifier))
		q := url.Values{
			"response_type": {"code"}, "client_id": {"demo-holder-app"}, "redirect_uri": {redirect},
			"scope": {"openid profile email"}, "state": {state}, "nonce": {randomString()},
			"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		}
		p, err := b.do(ctx, http.MethodGet, a.base+"/idp/authorize?"+q.Encode(), nil)
		if err != nil {
			return "", err
		}
		p, err = b.login(ctx, p, "holder", "holder")
		if err != nil {
			return "", err
		}
		loc, err := url.Parse(p.location)
		if err != nil || !strings.HasPrefix(p.location, redirect) || loc.Query().Get("state") != state {
			return "", fmt.Errorf("holder login did not come back to the app: HTTP %d %q", p.status, p.location)
		}
		return a.postToken(ctx, url.Values{
			"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect},
			"client_id": {"demo-holder-app"}, "code_verifier": {verifier},
		}, "", "", b.hc)
	}}
}

// consentJourney is the holder's side of a consent: follow the authorization link, log in,
// approve on the consent page.
func (a *api) consentJourney(ctx context.Context, link string) error {
	b := newBrowser()
	p, err := b.do(ctx, http.MethodGet, link, nil)
	if err != nil {
		return err
	}
	p, err = b.login(ctx, p, "holder", "holder")
	if err != nil {
		return err
	}
	form := formFields(p.body)
	form.Set("decision", "approve")
	res, err := b.do(ctx, http.MethodPost, a.base+"/consents/decide", form)
	if err != nil {
		return err
	}
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "result=approved") {
		return fmt.Errorf("consent page did not approve: HTTP %d %q %.300s", res.status, res.location, res.body)
	}
	return nil
}
