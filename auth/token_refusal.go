package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/ponte-bff/ponte/apperr"
)

// Why an access token was refused: extensions.reason of an UNAUTHENTICATED error, so that a
// client (and the IDE's token bar) can say what to do instead of "invalid or expired".
const (
	ReasonMissing       = "MISSING"        // no bearer token on a request that needs one
	ReasonMalformed     = "MALFORMED"      // not a signed JWT
	ReasonExpired       = "EXPIRED"        // exp is past: get a new token
	ReasonNotYetValid   = "NOT_YET_VALID"  // nbf is in the future
	ReasonUnknownKey    = "UNKNOWN_KEY"    // signed with a key the issuer does not publish (any more)
	ReasonBadSignature  = "BAD_SIGNATURE"  // the issuer has the key, the signature does not verify
	ReasonWrongAudience = "WRONG_AUDIENCE" // aud does not name Ponte
	ReasonWrongIssuer   = "WRONG_ISSUER"   // iss is another provider
)

// refusal turns go-oidc's verification error about raw into an UNAUTHENTICATED error with a
// reason and a message a developer can act on. go-oidc checks the signature first, then the
// issuer, the audience and the times, so the reason is the first check that failed.
func (a *Authenticator) refusal(ctx context.Context, raw string, err error) *apperr.Error {
	refuse := func(reason, format string, args ...any) *apperr.Error {
		return &apperr.Error{Code: apperr.Unauthenticated, Reason: reason, Message: fmt.Sprintf(format, args...), Err: err}
	}
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return refuse(ReasonExpired, "the access token expired at %s: get a new one", expired.Expiry.UTC().Format(time.RFC3339))
	case strings.Contains(msg, "malformed jwt") || strings.Contains(msg, "not signed") || strings.Contains(msg, "multiple signatures"):
		return refuse(ReasonMalformed, "the access token is not a signed JWT")
	case strings.Contains(msg, "expected audience"):
		return refuse(ReasonWrongAudience, "the access token is not meant for Ponte: its audience (aud) must include %q", a.cfg.Audience)
	case strings.Contains(msg, "issued by a different provider"):
		return refuse(ReasonWrongIssuer, "the access token was issued by another provider: Ponte trusts %s", a.issuer.URL)
	case strings.Contains(msg, "before the nbf"):
		return refuse(ReasonNotYetValid, "the access token is not valid yet (nbf is in the future)")
	case strings.Contains(msg, "failed to verify signature"):
		kid := keyID(raw)
		if known, kerr := a.issuer.hasKey(ctx, kid); kerr == nil && known {
			return refuse(ReasonBadSignature, "the access token's signature does not verify with the issuer's key %q", kid)
		}
		return refuse(ReasonUnknownKey, "the access token is signed with a key the issuer does not publish (kid %q): it comes from another provider or an old key; get a new one", kid)
	}
	return refuse(ReasonMalformed, "invalid access token")
}

// keyID is the kid in raw's protected header, or "" when it has none.
func keyID(raw string) string {
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA})
	if err != nil || len(jws.Signatures) == 0 {
		return ""
	}
	return jws.Signatures[0].Header.KeyID
}

// hasKey reports whether the issuer's JWKS publishes a key with id kid. It is asked only after
// a signature failed, when go-oidc has just fetched the same set.
func (i *Issuer) hasKey(ctx context.Context, kid string) (bool, error) {
	if kid == "" {
		return false, nil
	}
	p, err := i.Provider(ctx)
	if err != nil {
		return false, err
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := p.Claims(&meta); err != nil || meta.JWKSURI == "" {
		return false, fmt.Errorf("no jwks_uri: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, meta.JWKSURI, nil)
	if err != nil {
		return false, err
	}
	resp, err := i.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("jwks: HTTP %d", resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return false, err
	}
	return len(set.Key(kid)) > 0, nil
}
