package devidp

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	// authRequestTTL bounds the time between /authorize and the login.
	authRequestTTL = 15 * time.Minute
	// codeTTL bounds the time between issuing a code and redeeming it
	// (RFC 6749 §4.1.2 recommends at most 10 minutes).
	codeTTL = 5 * time.Minute
)

var (
	errUnknownAuthRequest = errors.New("unknown or expired authorization request")
	errUnknownCode        = errors.New("unknown or expired authorization code")
)

// storage is the in-memory op.Storage. Everything lives in maps guarded by
// one mutex; it is a development provider, and a restart forgetting all
// requests and tokens is acceptable.
//
// Callers outside the lock only ever get copies of an authRequest, so the
// mutations below (login, code issue) never race with zitadel's reads.
type storage struct {
	cfg     Config
	key     *signingKey
	clients map[string]*client
	users   *users

	mu       sync.Mutex
	requests map[string]*authRequest
	codes    map[string]string      // code -> auth request id
	tokens   map[string]issuedToken // access token id (jti) of user tokens, for userinfo
}

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.ClientCredentialsStorage       = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
)

func newStorage(cfg Config, key *signingKey, clients map[string]*client, users *users) *storage {
	return &storage{
		cfg:      cfg,
		key:      key,
		clients:  clients,
		users:    users,
		requests: make(map[string]*authRequest),
		codes:    make(map[string]string),
		tokens:   make(map[string]issuedToken),
	}
}

// newID returns an unguessable identifier (128 bits of entropy).
func newID() string { return rand.Text() }

// ---- authorization requests and codes ----

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	// The id_token_hint's subject is ignored on purpose: the provider keeps
	// no session, so every authorization shows the login form.
	now := time.Now()
	req := newAuthRequest(newID(), now, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeLocked(now)
	s.requests[req.id] = req
	cp := *req
	return &cp, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveRequestLocked(id, time.Now())
	if !ok {
		return nil, errUnknownAuthRequest
	}
	cp := *req
	return &cp, nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.requestByCodeLocked(code, time.Now())
	if !ok {
		return nil, errUnknownCode
	}
	cp := *req
	return &cp, nil
}

// SaveAuthCode issues at most one code per request: zitadel's callback
// would otherwise mint a fresh code each time it is reloaded.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	req, ok := s.liveRequestLocked(id, now)
	if !ok || !req.done {
		return errUnknownAuthRequest
	}
	if req.code != "" {
		return oidc.ErrInvalidRequest().WithDescription("an authorization code was already issued for this request")
	}
	req.code, req.codeIssuedAt = code, now
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteRequestLocked(id)
	return nil
}

// takeAuthRequestByCode removes the request behind code and reports whether
// it was still there. Checking and removing under one lock is what makes a
// code single-use even when two exchanges race.
func (s *storage) takeAuthRequestByCode(code string) (*authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.requestByCodeLocked(code, time.Now())
	if !ok {
		return nil, false
	}
	s.deleteRequestLocked(req.id)
	return req, true
}

// completeLogin records a successful login on a pending request.
func (s *storage) completeLogin(id, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	req, ok := s.liveRequestLocked(id, now)
	if !ok || req.done {
		return errUnknownAuthRequest
	}
	req.subject, req.authTime, req.done = subject, now, true
	return nil
}

// pendingRequest returns a copy of a request still waiting for its login.
func (s *storage) pendingRequest(id string) (*authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveRequestLocked(id, time.Now())
	if !ok || req.done {
		return nil, false
	}
	cp := *req
	return &cp, true
}

func (s *storage) liveRequestLocked(id string, now time.Time) (*authRequest, bool) {
	req, ok := s.requests[id]
	if !ok || now.After(req.createdAt.Add(authRequestTTL)) {
		return nil, false
	}
	return req, true
}

func (s *storage) requestByCodeLocked(code string, now time.Time) (*authRequest, bool) {
	id, ok := s.codes[code]
	if !ok {
		return nil, false
	}
	req, ok := s.requests[id]
	if !ok || req.code != code || now.After(req.codeIssuedAt.Add(codeTTL)) {
		return nil, false
	}
	return req, true
}

func (s *storage) deleteRequestLocked(id string) {
	if req, ok := s.requests[id]; ok && req.code != "" {
		delete(s.codes, req.code)
	}
	delete(s.requests, id)
}

// purgeLocked drops what can no longer be used, so memory stays bounded by
// the traffic of the last few minutes.
func (s *storage) purgeLocked(now time.Time) {
	for id, req := range s.requests {
		if now.After(req.createdAt.Add(authRequestTTL + codeTTL)) {
			s.deleteRequestLocked(id)
		}
	}
	for id, tok := range s.tokens {
		if now.After(tok.expiration) {
			delete(s.tokens, id)
		}
	}
}

// ---- clients ----

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if c, ok := s.clients[id]; ok {
		return c, nil
	}
	// An oidc error, not a plain one: zitadel answers plain errors here
	// with a 500, and an unknown client_id is the caller's mistake.
	return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if c, ok := s.clients[id]; ok && !c.Public && c.secretMatches(secret) {
		return nil
	}
	return errors.New("invalid client credentials")
}

func (s *storage) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	if c, ok := s.clients[id]; ok && !c.Public && c.secretMatches(secret) {
		return c, nil
	}
	return nil, errors.New("invalid client credentials")
}

// GetKeyByIDAndClientID serves zitadel's own JWT-profile verifier. The
// provider verifies client assertions itself (assertion.go), but answering
// correctly here keeps any zitadel path that asks consistent with it.
func (s *storage) GetKeyByIDAndClientID(_ context.Context, _, clientID string) (*jose.JSONWebKey, error) {
	c, ok := s.clients[clientID]
	if !ok || c.publicKey == nil {
		return nil, errors.New("no key registered for client")
	}
	return &jose.JSONWebKey{Key: c.publicKey, Algorithm: string(jose.RS256), Use: "sig"}, nil
}

// ---- keys ----

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{s.key.public()}, nil }

func (s *storage) Health(context.Context) error { return nil }

// ---- what this provider does not offer ----
// Refresh tokens, sessions, revocation, introspection and the JWT-profile
// grant are not offered (and not advertised); these answer accordingly.

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not offered")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrInvalidRequest().WithDescription("revocation is not offered")
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("introspection is not offered")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, oidc.ErrUnsupportedGrantType().WithDescription("the JWT profile grant is not offered")
}
