package devidp

import (
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const (
	// maxAssertionLifetime is how far in the future a client assertion's
	// exp may be. Short-lived assertions keep the replay cache small and a
	// leaked assertion nearly useless.
	maxAssertionLifetime = 15 * time.Minute
	// assertionLeeway absorbs clock differences between client and provider.
	assertionLeeway = 10 * time.Second
)

// assertionVerifier checks private_key_jwt client assertions (RFC 7523 §3,
// OIDC Core §9). zitadel's client-credentials path reads only a secret, so
// the provider verifies assertions itself, for every grant.
type assertionVerifier struct {
	audiences []string // the issuer and the token endpoint URL

	mu   sync.Mutex
	seen map[string]time.Time // client id + "\x00" + jti -> when it may be forgotten
}

func newAssertionVerifier(audiences ...string) *assertionVerifier {
	return &assertionVerifier{audiences: audiences, seen: make(map[string]time.Time)}
}

// errNotSigned covers both an unknown issuer and a bad signature, so the
// answer does not tell which client ids exist.
var errNotSigned = errors.New("assertion is not signed by a key registered for its issuer")

// verify returns the client the assertion authenticates, or an error whose
// text says which rule the assertion broke; it is safe to show the caller.
// formClientID is the client_id sent beside the assertion, if any; it must
// name the same client.
func (v *assertionVerifier) verify(raw, formClientID string, lookup func(id string) *client) (*client, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, errors.New("not an RS256-signed JWT")
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, errors.New("unreadable claims")
	}
	// The issuer only selects the key; the signature check below proves it.
	c := lookup(unverified.Issuer)
	if c == nil || c.publicKey == nil {
		return nil, errNotSigned
	}
	var claims jwt.Claims
	if err := tok.Claims(c.publicKey, &claims); err != nil {
		return nil, errNotSigned
	}
	if claims.Issuer != c.ID || claims.Subject != c.ID {
		return nil, errors.New("iss and sub must both be the client_id")
	}
	if formClientID != "" && formClientID != c.ID {
		return nil, errors.New("client_id does not match the assertion")
	}
	if !slices.ContainsFunc(v.audiences, claims.Audience.Contains) {
		return nil, errors.New("aud must be the issuer or the token endpoint")
	}
	now := time.Now()
	if claims.Expiry == nil {
		return nil, errors.New("exp is missing")
	}
	exp := claims.Expiry.Time()
	if !now.Before(exp.Add(assertionLeeway)) {
		return nil, errors.New("assertion expired")
	}
	if exp.After(now.Add(maxAssertionLifetime + assertionLeeway)) {
		return nil, errors.New("exp is more than 15 minutes ahead")
	}
	if claims.NotBefore != nil && claims.NotBefore.Time().After(now.Add(assertionLeeway)) {
		return nil, errors.New("assertion not valid yet (nbf)")
	}
	if claims.IssuedAt != nil && claims.IssuedAt.Time().After(now.Add(assertionLeeway)) {
		return nil, errors.New("assertion issued in the future (iat)")
	}
	if claims.ID == "" {
		return nil, errors.New("jti is missing")
	}
	if !v.firstUse(c.ID, claims.ID, exp.Add(assertionLeeway), now) {
		return nil, errors.New("jti already used (replay)")
	}
	return c, nil
}

// firstUse records a jti until forgetAt, after which the assertion is
// expired anyway, and reports whether it was new. Entries are pruned on
// each call, so the cache holds at most 15 minutes of assertions.
func (v *assertionVerifier) firstUse(clientID, jti string, forgetAt, now time.Time) bool {
	key := clientID + "\x00" + jti
	v.mu.Lock()
	defer v.mu.Unlock()
	for k, t := range v.seen {
		if now.After(t) {
			delete(v.seen, k)
		}
	}
	if _, used := v.seen[key]; used {
		return false
	}
	v.seen[key] = forgetAt
	return true
}
