package devidp_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/ponte-bff/ponte/devidp"
)

type idTokenClaims struct {
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Document string   `json:"document"`
	AuthTime int64    `json:"auth_time"`
	AMR      []string `json:"amr"`
	Azp      string   `json:"azp"`
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	i := startDemo(t)
	f := i.newHolderFlow(t)
	code := f.login(t, devidp.DemoHolderUsername, devidp.DemoHolderPassword)
	tok, err := f.exchange(t, code, f.verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)

	t.Run("IDTokenVerifiesForTheClientWithTheNonce", func(t *testing.T) {
		idt, err := i.rp.Verifier(&oidc.Config{ClientID: devidp.DemoHolderClientID}).Verify(ctxT(t), rawID)
		if err != nil {
			t.Fatalf("ID token: %v", err)
		}
		if idt.Nonce != f.nonce {
			t.Errorf("nonce %q, want %q", idt.Nonce, f.nonce)
		}
		if idt.Subject != devidp.DemoHolderSubject {
			t.Errorf("sub %q", idt.Subject)
		}
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			t.Errorf("at_hash: %v", err)
		}
		var c idTokenClaims
		if err := idt.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if c.Document != "39053344705" || c.Name == "" || c.Email == "" || c.AuthTime == 0 ||
			!slices.Equal(c.AMR, []string{"pwd"}) || c.Azp != devidp.DemoHolderClientID {
			t.Errorf("claims: %+v", c)
		}
	})

	t.Run("IDTokenIsNotAnAccessToken", func(t *testing.T) {
		if _, err := i.rp.Verifier(&oidc.Config{ClientID: devidp.DemoAudience}).Verify(ctxT(t), rawID); err == nil {
			t.Fatal("ID token verifies with the API audience")
		}
	})

	t.Run("AccessTokenVerifiesForTheAPIWithTheDocument", func(t *testing.T) {
		c := i.verifyAccessToken(t, tok.AccessToken)
		if c.Document != "39053344705" || c.Subject != devidp.DemoHolderSubject ||
			c.ClientID != devidp.DemoHolderClientID || c.Azp != devidp.DemoHolderClientID || c.JTI == "" {
			t.Errorf("claims: %+v", c)
		}
		scopes := strings.Fields(c.Scope)
		for _, s := range []string{"openid", "accounts:read", "payments:initiate"} {
			if !slices.Contains(scopes, s) {
				t.Errorf("scope %q lacks %s", c.Scope, s)
			}
		}
		if _, err := i.rp.Verifier(&oidc.Config{ClientID: devidp.DemoHolderClientID}).Verify(ctxT(t), tok.AccessToken); err == nil {
			t.Error("access token verifies as an ID token for the client")
		}
	})

	t.Run("UserinfoAnswersForTheAccessToken", func(t *testing.T) {
		info, err := i.rp.UserInfo(ctxT(t), oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Document string `json:"document"`
		}
		if err := info.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if info.Subject != devidp.DemoHolderSubject || info.Email == "" || c.Document != "39053344705" {
			t.Errorf("userinfo: %+v %+v", info, c)
		}
	})

	t.Run("ReusingTheCodeFails", func(t *testing.T) {
		_, err := f.exchange(t, code, f.verifier)
		wantRetrieveError(t, err, "invalid_grant")
	})
}

func TestAuthorizationCodeRules(t *testing.T) {
	i := startDemo(t)

	t.Run("WrongVerifierFails", func(t *testing.T) {
		f := i.newHolderFlow(t)
		code := f.login(t, "holder", "holder")
		_, err := f.exchange(t, code, oauth2.GenerateVerifier())
		wantRetrieveError(t, err, "invalid_grant")
	})

	t.Run("MissingVerifierFails", func(t *testing.T) {
		f := i.newHolderFlow(t)
		code := f.login(t, "holder", "holder")
		if _, err := f.conf.Exchange(ctxT(t), code); err == nil {
			t.Fatal("exchange without code_verifier succeeded")
		}
	})

	t.Run("WrongRedirectURIAtTheTokenEndpointFails", func(t *testing.T) {
		f := i.newHolderFlow(t)
		code := f.login(t, "holder", "holder")
		r := postToken(t, i.tokenURL(), url.Values{
			"grant_type": {"authorization_code"}, "client_id": {devidp.DemoHolderClientID}, "code": {code},
			"redirect_uri": {"http://localhost:3000/elsewhere"}, "code_verifier": {f.verifier},
		}, "", "")
		wantOAuthError(t, r, http.StatusBadRequest, "invalid_grant")
	})

	t.Run("CodeOfAnotherClientFails", func(t *testing.T) {
		f := i.newHolderFlow(t)
		code := f.login(t, "holder", "holder")
		r := postToken(t, i.tokenURL(), url.Values{
			"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {devidp.DemoHolderRedirectURI}, "code_verifier": {f.verifier},
		}, "demo-erp", "demo-erp-secret")
		if r.status < 400 || r.status >= 500 || r.str("access_token") != "" {
			t.Fatalf("got %d %v", r.status, r.body)
		}
	})

	t.Run("PlainChallengeIsRejected", func(t *testing.T) {
		f := i.newHolderFlow(t)
		u := holderAuthURL(i, f, url.Values{"code_challenge": {f.verifier}, "code_challenge_method": {"plain"}})
		wantAuthorizeError(t, f, fetch(t, f.browser, http.MethodGet, u, nil), "invalid_request")
	})

	t.Run("ChallengeWithoutMethodIsRejected", func(t *testing.T) {
		f := i.newHolderFlow(t)
		u := holderAuthURL(i, f, url.Values{"code_challenge": {oauth2.S256ChallengeFromVerifier(f.verifier)}})
		wantAuthorizeError(t, f, fetch(t, f.browser, http.MethodGet, u, nil), "invalid_request")
	})

	t.Run("MissingChallengeIsRejectedForAPublicClient", func(t *testing.T) {
		f := i.newHolderFlow(t)
		wantAuthorizeError(t, f, fetch(t, f.browser, http.MethodGet, holderAuthURL(i, f, nil), nil), "invalid_request")
	})

	t.Run("WrongPasswordReRendersTheFormWithoutRedirect", func(t *testing.T) {
		f := i.newHolderFlow(t)
		action, id := loginForm(t, fetch(t, f.browser, http.MethodGet, f.authURL(), nil))
		wrongPassword := fetch(t, f.browser, http.MethodPost, action, url.Values{"authRequestID": {id}, "username": {"holder"}, "password": {"nope"}})
		unknownUser := fetch(t, f.browser, http.MethodPost, action, url.Values{"authRequestID": {id}, "username": {"nobody"}, "password": {"nope"}})
		for _, p := range []page{wrongPassword, unknownUser} {
			if p.location != "" || (p.status != http.StatusOK && p.status != http.StatusUnauthorized) {
				t.Fatalf("got %d, Location %q", p.status, p.location)
			}
			loginForm(t, p)
			if !strings.Contains(p.body, "Invalid username or password.") {
				t.Fatalf("no error message: %s", p.body)
			}
		}
		// The request is still usable: the right password then works.
		done := fetch(t, f.browser, http.MethodPost, action, url.Values{"authRequestID": {id}, "username": {"holder"}, "password": {"holder"}})
		f.codeFrom(t, done)
	})

	t.Run("PromptLoginAlwaysShowsTheForm", func(t *testing.T) {
		f := i.newHolderFlow(t)
		f.login(t, "holder", "holder")
		// Same browser, same cookies: still the form.
		loginForm(t, fetch(t, f.browser, http.MethodGet, f.authURL(oauth2.SetAuthURLParam("prompt", "login")), nil))
	})

	t.Run("PromptNoneIsLoginRequired", func(t *testing.T) {
		f := i.newHolderFlow(t)
		p := fetch(t, f.browser, http.MethodGet, f.authURL(oauth2.SetAuthURLParam("prompt", "none")), nil)
		wantAuthorizeError(t, f, p, "login_required")
	})

	t.Run("UsedLoginRequestCannotBeReplayed", func(t *testing.T) {
		f := i.newHolderFlow(t)
		action, id := loginForm(t, fetch(t, f.browser, http.MethodGet, f.authURL(), nil))
		creds := url.Values{"authRequestID": {id}, "username": {"holder"}, "password": {"holder"}}
		f.codeFrom(t, fetch(t, f.browser, http.MethodPost, action, creds))
		again := fetch(t, f.browser, http.MethodPost, action, creds)
		if again.status != http.StatusBadRequest || again.location != "" {
			t.Fatalf("second post: %d %q", again.status, again.location)
		}
	})

	t.Run("UnregisteredRedirectURIIsNotFollowed", func(t *testing.T) {
		f := i.newHolderFlow(t)
		f.conf.RedirectURL = "http://localhost:3000/holder/callback/evil"
		p := fetch(t, f.browser, http.MethodGet, f.authURL(), nil)
		if p.status != http.StatusBadRequest || p.location != "" {
			t.Fatalf("got %d %q", p.status, p.location)
		}
	})

	t.Run("UnknownClientIsA400", func(t *testing.T) {
		f := i.newHolderFlow(t)
		f.conf.ClientID = "nobody"
		p := fetch(t, f.browser, http.MethodGet, f.authURL(), nil)
		if p.status != http.StatusBadRequest || p.location != "" {
			t.Fatalf("got %d %q", p.status, p.location)
		}
	})

	t.Run("UnknownLoginRequestIsA400", func(t *testing.T) {
		p := fetch(t, browser(t, devidp.DemoHolderRedirectURI), http.MethodGet, i.issuer+"/login?authRequestID=nope", nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("got %d", p.status)
		}
	})
}

// holderAuthURL builds an authorization URL by hand, with the PKCE
// parameters given in pkce (or none).
func holderAuthURL(i *idp, f *holderFlow, pkce url.Values) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {devidp.DemoHolderClientID},
		"redirect_uri": {devidp.DemoHolderRedirectURI}, "scope": {"openid profile"},
		"state": {f.state}, "nonce": {f.nonce},
	}
	for k, v := range pkce {
		q[k] = v
	}
	return i.issuer + "/authorize?" + q.Encode()
}

// wantAuthorizeError checks that the authorization request was answered
// with an error redirected to the client (with its state), not a login form.
func wantAuthorizeError(t *testing.T, f *holderFlow, p page, code string) {
	t.Helper()
	if p.status != http.StatusFound || !strings.HasPrefix(p.location, devidp.DemoHolderRedirectURI+"?") {
		t.Fatalf("want an error redirect to the app, got %d %q %.200s", p.status, p.location, p.body)
	}
	u, _ := url.Parse(p.location)
	q := u.Query()
	if q.Get("error") != code || q.Get("state") != f.state || q.Get("code") != "" {
		t.Fatalf("callback query: %v", q)
	}
}
