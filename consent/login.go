package consent

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/ponte-bff/ponte/auth"
)

// LoginConfig is Ponte's own OIDC client, through which holders log in on its pages.
type LoginConfig struct {
	ClientID      string
	ClientSecret  string
	RedirectURL   string // Ponte's callback, e.g. "http://localhost:8080/consents/callback"
	DocumentClaim string // ID token claim with the holder's verified CPF/CNPJ
}

// Login runs the holder's authorization-code flow against the issuer.
type Login struct {
	cfg    LoginConfig
	issuer *auth.Issuer
}

// NewLogin returns the holder login flow.
func NewLogin(issuer *auth.Issuer, cfg LoginConfig) *Login {
	if cfg.DocumentClaim == "" {
		cfg.DocumentClaim = "document"
	}
	return &Login{cfg: cfg, issuer: issuer}
}

func (l *Login) oauth(ctx context.Context) (*oauth2.Config, error) {
	p, err := l.issuer.Provider(ctx)
	if err != nil {
		return nil, err
	}
	return &oauth2.Config{
		ClientID: l.cfg.ClientID, ClientSecret: l.cfg.ClientSecret, RedirectURL: l.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
	}, nil
}

// flowSecrets are the per-login values bound to the holder's browser.
type flowSecrets struct {
	State, Nonce, Verifier string
}

func newFlowSecrets() (flowSecrets, error) {
	var f flowSecrets
	var err error
	if f.State, err = randomToken(); err != nil {
		return f, err
	}
	if f.Nonce, err = randomToken(); err != nil {
		return f, err
	}
	f.Verifier = oauth2.GenerateVerifier()
	return f, nil
}

// AuthURL is where the holder's browser goes to log in: PKCE S256, a nonce, and prompt=login so
// that an earlier session at the provider never decides for the holder.
func (l *Login) AuthURL(ctx context.Context, f flowSecrets) (string, error) {
	o, err := l.oauth(ctx)
	if err != nil {
		return "", err
	}
	return o.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier),
		oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0")), nil
}

// Holder is who logged in, from a verified ID token.
type Holder struct {
	Issuer, Subject, Document string
	AuthTime                  time.Time
}

// errLogin marks failures of the login itself (code, token, nonce, claims).
var errLogin = errors.New("login failed")

// Exchange trades the code for tokens and verifies the ID token: signature, issuer, audience
// (Ponte's client), expiry, and the nonce, which go-oidc leaves to the caller.
func (l *Login) Exchange(ctx context.Context, code string, f flowSecrets) (*Holder, error) {
	o, err := l.oauth(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := o.Exchange(l.issuer.Context(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, fmt.Errorf("%w: code exchange: %v", errLogin, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("%w: no id_token in the token response", errLogin)
	}
	v, err := l.issuer.Verifier(ctx, l.cfg.ClientID, nil)
	if err != nil {
		return nil, err
	}
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: id token: %v", errLogin, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, fmt.Errorf("%w: nonce does not match", errLogin)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", errLogin, err)
	}
	doc, _ := claims[l.cfg.DocumentClaim].(string)
	h := &Holder{Issuer: idt.Issuer, Subject: idt.Subject, Document: strings.TrimSpace(doc)}
	if at, ok := claims["auth_time"].(float64); ok {
		h.AuthTime = time.Unix(int64(at), 0).UTC()
	}
	if h.Document == "" {
		return nil, fmt.Errorf("%w: the ID token carries no %q claim", errLogin, l.cfg.DocumentClaim)
	}
	return h, nil
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
