package devidp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/ponte-bff/ponte/devidp"
)

// idp is a running demo provider: an httptest server whose URL + "/idp" is
// the issuer, with the provider mounted as Ponte mounts it.
type idp struct {
	srv    *httptest.Server
	issuer string
	rp     *oidc.Provider // go-oidc, as a relying party sees the provider
}

func (i *idp) tokenURL() string { return i.issuer + "/oauth/token" }

func startDemo(t *testing.T) *idp { return startWith(t, nil) }

// startWith starts the demo configuration after mutate has changed it.
func startWith(t *testing.T, mutate func(*devidp.Config)) *idp {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	issuer := srv.URL + "/idp"
	cfg := devidp.Demo(issuer)
	cfg.Logger = slog.New(slog.DiscardHandler)
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := devidp.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux.Handle("/idp/", p)
	rp, err := oidc.NewProvider(ctxT(t), issuer)
	if err != nil {
		t.Fatalf("go-oidc NewProvider: %v", err)
	}
	return &idp{srv: srv, issuer: issuer, rp: rp}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tokenResult is a token endpoint answer: the status and the JSON body.
type tokenResult struct {
	status int
	header http.Header
	body   map[string]any
}

func (r tokenResult) str(key string) string { s, _ := r.body[key].(string); return s }

// postToken posts form to the token endpoint, with HTTP Basic credentials
// when basicUser is not empty.
func postToken(t *testing.T, tokenURL string, form url.Values, basicUser, basicPass string) tokenResult {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(basicPass))
	}
	return doJSON(t, req)
}

func doJSON(t *testing.T, req *http.Request) tokenResult {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := tokenResult{status: resp.StatusCode, header: resp.Header, body: map[string]any{}}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &res.body); err != nil {
			t.Fatalf("status %d, body is not JSON: %q", resp.StatusCode, raw)
		}
	}
	return res
}

// wantOAuthError checks an OAuth2 JSON error answer.
func wantOAuthError(t *testing.T, r tokenResult, status int, code string) {
	t.Helper()
	if r.status != status || r.str("error") != code {
		t.Fatalf("got %d %v, want %d error=%s", r.status, r.body, status, code)
	}
	if _, hasToken := r.body["access_token"]; hasToken {
		t.Fatalf("error answer carries an access token: %v", r.body)
	}
}

// accessTokenClaims is what the API reads from an access token.
type accessTokenClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience audience `json:"aud"`
	ClientID string   `json:"client_id"`
	Azp      string   `json:"azp"`
	Scope    string   `json:"scope"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	JTI      string   `json:"jti"`
	Roles    []string `json:"roles"`
	Document string   `json:"document"`
}

// audience accepts both a string and an array, as RFC 7519 allows.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// verifyAccessToken verifies raw as a relying party does: go-oidc with the
// API audience "ponte".
func (i *idp) verifyAccessToken(t *testing.T, raw string) accessTokenClaims {
	t.Helper()
	tok, err := i.rp.Verifier(&oidc.Config{ClientID: devidp.DemoAudience}).Verify(ctxT(t), raw)
	if err != nil {
		t.Fatalf("access token does not verify: %v", err)
	}
	var c accessTokenClaims
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func demoERPKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode(devidp.DemoERPPrivateKeyPEM())
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatal("DemoERPPrivateKeyPEM is not a PKCS#8 PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key.(*rsa.PrivateKey)
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// assertionClaims are the claims of a client assertion; tests change one
// field at a time from goodAssertion.
type assertionClaims struct {
	Issuer   string `json:"iss,omitempty"`
	Subject  string `json:"sub,omitempty"`
	Audience string `json:"aud,omitempty"`
	Expiry   int64  `json:"exp,omitempty"`
	IssuedAt int64  `json:"iat,omitempty"`
	ID       string `json:"jti,omitempty"`
}

func goodAssertion(clientID, aud string) assertionClaims {
	now := time.Now()
	return assertionClaims{
		Issuer: clientID, Subject: clientID, Audience: aud,
		Expiry: now.Add(5 * time.Minute).Unix(), IssuedAt: now.Unix(), ID: rand.Text(),
	}
}

func signAssertion(t *testing.T, key any, alg jose.SignatureAlgorithm, c assertionClaims) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func assertionForm(assertion string, extra url.Values) url.Values {
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	for k, v := range extra {
		form[k] = v
	}
	return form
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
