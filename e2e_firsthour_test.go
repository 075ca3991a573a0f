package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// signDevToken signs claims with key under the key id the development provider gives it (the
// JWK thumbprint), as a token of that provider would be.
func signDevToken(t testing.TB, key *rsa.PrivateKey, claims jwt.Claims, extra map[string]any) string {
	t.Helper()
	thumb, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", base64.RawURLEncoding.EncodeToString(thumb)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Claims(extra).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// mustStoredKey is the development provider's stored signing key on s's database.
func mustStoredKey(t testing.TB, s *testServer) *rsa.PrivateKey {
	t.Helper()
	key, err := devidp.StoredSigningKey(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// devClaims are an access token's registered claims for issuer and audience, expiring in
// hours (negative: expired that long ago).
func devClaims(issuer, audience string, hours int) jwt.Claims {
	exp := time.Now().Add(time.Duration(hours) * time.Hour)
	return jwt.Claims{Issuer: issuer, Subject: "demo-erp", Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(exp.Add(-2 * time.Hour)), Expiry: jwt.NewNumericDate(exp)}
}

// TestTokenRefusalSaysWhy: a refused access token is UNAUTHENTICATED (401) with a reason that
// tells an expired token from one signed by an unknown key, one for another audience and none.
func TestTokenRefusalSaysWhy(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	stored := mustStoredKey(t, s)
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(aud string, hours int) jwt.Claims { return devClaims(s.Issuer, aud, hours) }
	client := map[string]any{"client_id": "demo-erp", "scope": "accounts:read"}
	cases := []struct {
		name, token, reason string
	}{
		{"no token", "", "MISSING"},
		{"not a JWT", "not-a-jwt", "MALFORMED"},
		{"expired", signDevToken(t, stored, claims("ponte", -1), client), "EXPIRED"},
		{"unknown key", signDevToken(t, stranger, claims("ponte", 1), client), "UNKNOWN_KEY"},
		{"wrong audience", signDevToken(t, stored, claims("someone-else", 1), client), "WRONG_AUDIENCE"},
	}
	for _, c := range cases {
		r := gql(t, s, c.token, `{ accounts(first: 1) { totalCount } }`, nil)
		if r.Status != 401 || r.code() != "UNAUTHENTICATED" || len(r.Errors) == 0 || r.Errors[0].Extensions["reason"] != c.reason {
			t.Errorf("%s: HTTP %d %+v, want 401 UNAUTHENTICATED reason %s", c.name, r.Status, r.Errors, c.reason)
		}
	}
	// The same key with the right audience and a future expiry is accepted: the cases above
	// fail for the reason they name, not for being hand-signed.
	if r := gql(t, s, signDevToken(t, stored, claims("ponte", 1), client), `{ viewer { kind } }`, nil); len(r.Errors) > 0 {
		t.Errorf("a well-formed token of the stored key was refused: %+v", r.Errors)
	}
}

// restartableServer runs Ponte on one address and one database, and can stop and start again.
type restartableServer struct {
	*testServer
	cfg   config
	addr  string
	clock func() time.Time
	stop  func()
}

// startRestartable starts a development server on a fresh database at a free port, with clock
// as the payments' clock (nil: the system's).
func startRestartable(t *testing.T, clock func() time.Time) *restartableServer {
	t.Helper()
	dsn := testdb.New(t)
	// A browser may hold a connection it opened ahead and never used: Shutdown closes such a
	// connection only once it is 5 s old, so the server gets longer than that to stop.
	vars := map[string]string{"DATABASE_URL": dsn, "DB_MAX_OPEN_CONNS": "5", "SHUTDOWN_TIMEOUT": "8s"}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	r := &restartableServer{testServer: &testServer{DSN: dsn}, cfg: cfg, clock: clock}
	// Registered once, before a test starts its browser, so that the server stops after it.
	t.Cleanup(func() { r.stop() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(t, ln)
	r.db, err = database.Open(context.Background(), dsn, database.Pool{MaxOpen: 2, MaxIdle: 1, MaxLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := r.db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return r
}

func (r *restartableServer) serve(t *testing.T, ln net.Listener) {
	t.Helper()
	port := ln.Addr().(*net.TCPAddr).Port
	r.URL, r.Issuer = fmt.Sprintf("http://localhost:%d", port), fmt.Sprintf("http://localhost:%d/idp", port)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- serve(ctx, r.cfg, ln, log, r.clock) }()
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down within 15s")
		}
	}
	waitHealthy(t, r.URL, done)
}

// restart stops the server and serves the same database at the same address again.
func (r *restartableServer) restart(t *testing.T) {
	t.Helper()
	r.stop()
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", r.addr, err)
	}
	r.serve(t, ln)
}

// TestDevTokenSurvivesRestart: the development provider keeps its signing key in the database,
// so a token issued before a restart is still accepted after it.
func TestDevTokenSurvivesRestart(t *testing.T) {
	t.Parallel()
	s := startRestartable(t, nil)
	tok := tenantToken(t, s.testServer)
	if r := gql(t, s.testServer, tok, `{ viewer { kind clientId } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("before the restart: %+v", r.Errors)
	}
	s.restart(t)
	r := gql(t, s.testServer, tok, `{ viewer { kind clientId } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("after the restart the token is refused: %+v", r.Errors)
	}
	var v struct{ Kind, ClientID string }
	r.decode(t, "viewer", &v)
	if v.Kind != "TENANT" || v.ClientID != "demo-erp" {
		t.Errorf("viewer after restart: %+v", v)
	}
}
