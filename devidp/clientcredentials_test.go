package devidp_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/devidp"
)

func TestClientCredentials(t *testing.T) {
	i := startDemo(t)
	cc := url.Values{"grant_type": {"client_credentials"}}

	t.Run("SecretInBasicAuthGivesAVerifiableJWT", func(t *testing.T) {
		r := postToken(t, i.tokenURL(), cc, "demo-erp", "demo-erp-secret")
		if r.status != http.StatusOK || r.str("token_type") != "Bearer" {
			t.Fatalf("got %d %v", r.status, r.body)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", r.header.Get("Cache-Control"))
		}
		c := i.verifyAccessToken(t, r.str("access_token"))
		if c.ClientID != "demo-erp" || c.Azp != "demo-erp" || c.Subject != "demo-erp" || c.Issuer != i.issuer {
			t.Fatalf("claims: %+v", c)
		}
		if !slices.Equal(c.Audience, []string{"ponte"}) {
			t.Errorf("aud = %v, want [ponte]", c.Audience)
		}
		// No scope requested: every scope of the client.
		if c.Scope != strings.Join(devidp.DemoTenantScopes(), " ") {
			t.Errorf("scope = %q", c.Scope)
		}
		if c.JTI == "" || c.Exp-c.Iat != 15*60 {
			t.Errorf("jti %q, lifetime %ds", c.JTI, c.Exp-c.Iat)
		}
		if len(c.Roles) != 0 || c.Document != "" {
			t.Errorf("tenant token carries roles %v or document %q", c.Roles, c.Document)
		}
	})

	t.Run("SecretInFormGivesTheRequestedScopes", func(t *testing.T) {
		form := url.Values{
			"grant_type": {"client_credentials"}, "client_id": {"demo-erp-2"}, "client_secret": {"demo-erp-2-secret"},
			"scope": {"accounts:read balance:read"},
		}
		r := postToken(t, i.tokenURL(), form, "", "")
		if r.status != http.StatusOK {
			t.Fatalf("got %d %v", r.status, r.body)
		}
		c := i.verifyAccessToken(t, r.str("access_token"))
		if c.ClientID != "demo-erp-2" || c.Azp != "demo-erp-2" || c.Scope != "accounts:read balance:read" {
			t.Fatalf("claims: %+v", c)
		}
		if r.str("scope") != "accounts:read balance:read" {
			t.Errorf("response scope = %q", r.str("scope"))
		}
	})

	t.Run("OperatorTokenCarriesTheOperatorRole", func(t *testing.T) {
		r := postToken(t, i.tokenURL(), cc, "demo-operator", "demo-operator-secret")
		if r.status != http.StatusOK {
			t.Fatalf("got %d %v", r.status, r.body)
		}
		c := i.verifyAccessToken(t, r.str("access_token"))
		if !slices.Equal(c.Roles, []string{"operator"}) || c.Scope != "operator" || c.ClientID != "demo-operator" {
			t.Fatalf("claims: %+v", c)
		}
	})

	t.Run("WrongSecretIs401InvalidClient", func(t *testing.T) {
		r := postToken(t, i.tokenURL(), cc, "demo-erp", "not-the-secret")
		wantOAuthError(t, r, http.StatusUnauthorized, "invalid_client")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-erp"}, "client_secret": {"nope"}}
		wantOAuthError(t, postToken(t, i.tokenURL(), form, "", ""), http.StatusUnauthorized, "invalid_client")
	})

	t.Run("MissingSecretIs401InvalidClient", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-erp"}}
		wantOAuthError(t, postToken(t, i.tokenURL(), form, "", ""), http.StatusUnauthorized, "invalid_client")
	})

	t.Run("UnknownClientIsInvalidClient", func(t *testing.T) {
		wantOAuthError(t, postToken(t, i.tokenURL(), cc, "nobody", "whatever"), http.StatusUnauthorized, "invalid_client")
	})

	t.Run("ScopeOutsideTheClientsIsInvalidScope", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"accounts:read operator"}}
		wantOAuthError(t, postToken(t, i.tokenURL(), form, "demo-erp", "demo-erp-secret"), http.StatusBadRequest, "invalid_scope")
	})

	t.Run("PublicClientCannotUseClientCredentials", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {devidp.DemoHolderClientID}}
		r := postToken(t, i.tokenURL(), form, "", "")
		if r.status < 400 || r.status >= 500 || r.str("error") == "" || r.str("access_token") != "" {
			t.Fatalf("got %d %v", r.status, r.body)
		}
	})

	t.Run("OtherGrantsAreUnsupportedGrantType", func(t *testing.T) {
		for _, grant := range []string{"password", "refresh_token", "implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer"} {
			form := url.Values{"grant_type": {grant}, "refresh_token": {"x"}, "assertion": {"x"}, "username": {"holder"}, "password": {"holder"}}
			wantOAuthError(t, postToken(t, i.tokenURL(), form, "demo-erp", "demo-erp-secret"), http.StatusBadRequest, "unsupported_grant_type")
		}
	})

	t.Run("TokenEndpointIsPostOnly", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, i.tokenURL()+"?grant_type=client_credentials", nil)
		req.SetBasicAuth("demo-erp", "demo-erp-secret")
		r := doJSON(t, req)
		wantOAuthError(t, r, http.StatusMethodNotAllowed, "invalid_request")
	})

	t.Run("BrowsersCanCallTheTokenEndpoint", func(t *testing.T) {
		const origin = "http://localhost:3000"
		pre, _ := http.NewRequestWithContext(ctxT(t), http.MethodOptions, i.tokenURL(), nil)
		pre.Header.Set("Origin", origin)
		pre.Header.Set("Access-Control-Request-Method", http.MethodPost)
		pre.Header.Set("Access-Control-Request-Headers", "authorization")
		resp, err := http.DefaultClient.Do(pre)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 || resp.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		req, _ := http.NewRequestWithContext(ctxT(t), http.MethodPost, i.tokenURL(), strings.NewReader("grant_type=password"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		r := doJSON(t, req)
		if r.str("error") != "unsupported_grant_type" || r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("error answer: %d %v %v", r.status, r.body, r.header)
		}
	})

	t.Run("BadInputIsAnOAuthErrorNever500", func(t *testing.T) {
		cases := []struct {
			name, body, auth string
		}{
			{"EmptyBody", "", ""},
			{"NoGrantType", "client_id=demo-erp&client_secret=demo-erp-secret", ""},
			{"BrokenPercentEncoding", "grant_type=client_credentials&client_id=%zz", ""},
			{"BrokenBasicHeader", "grant_type=client_credentials", "Basic !!!"},
			{"BasicAndFormSecret", "grant_type=client_credentials&client_id=demo-erp&client_secret=demo-erp-secret", "Basic ZGVtby1lcnA6ZGVtby1lcnAtc2VjcmV0"},
			{"GarbageAssertion", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c", ""},
			{"WrongAssertionType", "grant_type=client_credentials&client_assertion_type=x&client_assertion=a.b.c", ""},
			{"CodeWithoutCode", "grant_type=authorization_code&client_id=demo-holder-app", ""},
			{"CodeGarbage", "grant_type=authorization_code&client_id=demo-holder-app&code=zzz&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fholder%2Fcallback&code_verifier=x", ""},
		}
		for _, tc := range cases {
			req, _ := http.NewRequestWithContext(ctxT(t), http.MethodPost, i.tokenURL(), strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			r := doJSON(t, req)
			if r.status < 400 || r.status >= 500 || r.str("error") == "" {
				t.Errorf("%s: got %d %v", tc.name, r.status, r.body)
			}
		}
	})
}
