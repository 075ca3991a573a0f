package devidp

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// idTokenTTL is how long an ID token is valid. It only proves a login
// that just happened, so it need not outlive the access token by much.
const idTokenTTL = time.Hour

// client is a registered Client in the shape zitadel's op.Client wants.
type client struct {
	Client
	publicKey  *rsa.PublicKey // parsed PublicKeyPEM; nil if none
	secretHash [sha256.Size]byte
	loginURL   string // absolute URL of the login page, without the request id
}

var _ op.Client = (*client)(nil)

// newClient checks a registered client and prepares it. Each rule here is
// one a client could otherwise break at request time in a confusing way.
func newClient(c Client, loginURL string) (*client, error) {
	if c.ID == "" {
		return nil, errors.New("client without ID")
	}
	cl := &client{Client: c, loginURL: loginURL}
	if len(c.PublicKeyPEM) > 0 {
		key, err := parseRSAPublicKey(c.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("client %q: PublicKeyPEM: %w", c.ID, err)
		}
		cl.publicKey = key
	}
	if c.Public {
		if c.Secret != "" || cl.publicKey != nil {
			return nil, fmt.Errorf("client %q: a public client has no secret and no key", c.ID)
		}
		if len(c.RedirectURIs) == 0 {
			return nil, fmt.Errorf("client %q: a public client needs redirect URIs", c.ID)
		}
	} else if c.Secret == "" && cl.publicKey == nil {
		return nil, fmt.Errorf("client %q: a confidential client needs a secret or a public key", c.ID)
	}
	for _, uri := range c.RedirectURIs {
		u, err := url.Parse(uri)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			return nil, fmt.Errorf("client %q: redirect URI %q must be absolute, without fragment", c.ID, uri)
		}
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return nil, fmt.Errorf("client %q: invalid scope %q", c.ID, s)
		}
	}
	cl.secretHash = sha256.Sum256([]byte(c.Secret))
	return cl, nil
}

// secretMatches compares in constant time. Hashing first makes the
// comparison independent of the secret's length too.
func (c *client) secretMatches(secret string) bool {
	if c.Secret == "" || secret == "" {
		return false
	}
	given := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(given[:], c.secretHash[:]) == 1
}

func (c *client) codeFlow() bool { return len(c.Client.RedirectURIs) > 0 }

func (c *client) GetID() string                    { return c.ID }
func (c *client) RedirectURIs() []string           { return slices.Clone(c.Client.RedirectURIs) }
func (c *client) PostLogoutRedirectURIs() []string { return nil }
func (c *client) LoginURL(id string) string {
	return c.loginURL + "?authRequestID=" + url.QueryEscape(id)
}
func (c *client) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeJWT
}
func (c *client) IDTokenLifetime() time.Duration { return idTokenTTL }
func (c *client) ClockSkew() time.Duration       { return 0 }

// ApplicationType: a public client is a browser app; zitadel then accepts
// its http redirect URI only because DevMode is on (see DevMode).
func (c *client) ApplicationType() op.ApplicationType {
	if c.Public {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

// AuthMethod is what zitadel reads to tell public from confidential
// clients. Client authentication itself is done by server.VerifyClient,
// which accepts every method the client has credentials for.
func (c *client) AuthMethod() oidc.AuthMethod {
	switch {
	case c.Public:
		return oidc.AuthMethodNone
	case c.Secret != "":
		return oidc.AuthMethodBasic
	default:
		return oidc.AuthMethodPrivateKeyJWT
	}
}

func (c *client) ResponseTypes() []oidc.ResponseType {
	if !c.codeFlow() {
		return nil
	}
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes: every confidential client may use client credentials, every
// client with redirect URIs the authorization code flow. Nothing else is
// implemented, so nothing else is granted.
func (c *client) GrantTypes() []oidc.GrantType {
	var grants []oidc.GrantType
	if c.codeFlow() {
		grants = append(grants, oidc.GrantTypeCode)
	}
	if !c.Public {
		grants = append(grants, oidc.GrantTypeClientCredentials)
	}
	return grants
}

// DevMode lets zitadel accept registered http redirect URIs (such as
// http://localhost:3000/...) for browser clients. Redirect URIs must still
// match a registered one exactly.
func (c *client) DevMode() bool { return true }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) IsScopeAllowed(scope string) bool { return slices.Contains(c.Scopes, scope) }

// IDTokenUserinfoClaimsAssertion puts the user's claims (name, email,
// document) into the ID token even though an access token is issued too:
// Ponte reads them from the ID token and should not need a userinfo call.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
