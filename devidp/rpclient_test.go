package devidp_test

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/ponte-bff/ponte/devidp"
)

// Ponte registers its own confidential client for the holder's login; these
// tests register one the way Ponte will, with a custom document claim name.
func TestConfidentialRelyingParty(t *testing.T) {
	const redirect = "http://127.0.0.1:8080/oidc/callback"
	key := newRSAKey(t)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	i := startWith(t, func(c *devidp.Config) {
		c.DocumentClaim = "cpf"
		c.Clients = append(c.Clients, devidp.Client{
			ID: "ponte-bff", Name: "Ponte", Secret: "ponte-secret",
			PublicKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
			RedirectURIs: []string{redirect}, Scopes: []string{"openid", "profile", "email"},
		})
	})
	newFlow := func(t *testing.T) *holderFlow {
		ep := i.rp.Endpoint()
		ep.AuthStyle = oauth2.AuthStyleInHeader
		return i.newFlow(t, &oauth2.Config{
			ClientID: "ponte-bff", ClientSecret: "ponte-secret", Endpoint: ep,
			RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
		})
	}

	t.Run("SecretBasicWithPKCEGivesAnIDTokenWithTheCustomDocumentClaim", func(t *testing.T) {
		f := newFlow(t)
		tok, err := f.exchange(t, f.login(t, "holder", "holder"), f.verifier)
		if err != nil {
			t.Fatal(err)
		}
		idt, err := i.rp.Verifier(&oidc.Config{ClientID: "ponte-bff"}).Verify(ctxT(t), tok.Extra("id_token").(string))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			CPF      string `json:"cpf"`
			Document string `json:"document"`
		}
		if err := idt.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if c.CPF != devidp.DemoHolderDocument || c.Document != "" || idt.Nonce != f.nonce {
			t.Fatalf("claims %+v, nonce %q", c, idt.Nonce)
		}
	})

	t.Run("PrivateKeyJWTWorksAtTheCodeExchange", func(t *testing.T) {
		f := newFlow(t)
		code := f.login(t, "holder", "holder")
		assertion := signAssertion(t, key, jose.RS256, goodAssertion("ponte-bff", i.tokenURL()))
		r := postToken(t, i.tokenURL(), url.Values{
			"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"code_verifier":         {f.verifier},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion},
		}, "", "")
		if r.status != http.StatusOK || r.str("id_token") == "" {
			t.Fatalf("got %d %v", r.status, r.body)
		}
	})

	t.Run("WrongSecretAtTheCodeExchangeIsInvalidClient", func(t *testing.T) {
		f := newFlow(t)
		code := f.login(t, "holder", "holder")
		f.conf.ClientSecret = "wrong"
		_, err := f.exchange(t, code, f.verifier)
		wantRetrieveError(t, err, "invalid_client")
	})

	t.Run("VerifierIsRequiredWhenAChallengeWasSent", func(t *testing.T) {
		f := newFlow(t)
		code := f.login(t, "holder", "holder")
		_, err := f.conf.Exchange(ctxT(t), code)
		wantRetrieveError(t, err, "invalid_request")
	})

	t.Run("WithoutPKCEAConfidentialClientStillWorks", func(t *testing.T) {
		f := newFlow(t)
		code := f.loginAt(t, f.conf.AuthCodeURL(f.state, oidc.Nonce(f.nonce)), "holder", "holder")
		if _, err := f.conf.Exchange(ctxT(t), code); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("PlainIsRejectedForConfidentialClientsToo", func(t *testing.T) {
		f := newFlow(t)
		u := f.conf.AuthCodeURL(f.state, oauth2.SetAuthURLParam("code_challenge", f.verifier), oauth2.SetAuthURLParam("code_challenge_method", "plain"))
		p := fetch(t, f.browser, http.MethodGet, u, nil)
		loc, _ := url.Parse(p.location)
		if p.status != http.StatusFound || loc == nil || loc.Query().Get("error") != "invalid_request" {
			t.Fatalf("got %d %q", p.status, p.location)
		}
	})
}
