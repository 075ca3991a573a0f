package devidp

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// server is zitadel's LegacyServer with the methods this provider must do
// differently overridden: truthful discovery, strict PKCE, client
// authentication that includes private_key_jwt, separate audiences for ID
// and access tokens, and no grants beyond the two it offers.
type server struct {
	*op.LegacyServer
	cfg        Config
	log        *slog.Logger
	store      *storage
	clients    map[string]*client
	assertions *assertionVerifier
	discovery  *oidc.DiscoveryConfiguration
}

// Discovery serves the document built by newDiscovery: zitadel's own
// advertises grants (implicit, jwt-bearer) and PKCE plain that this
// provider refuses.
func (s *server) Discovery(context.Context, *op.Request[struct{}]) (*op.Response, error) {
	return op.NewResponse(s.discovery), nil
}

// Authorize runs after zitadel has matched the redirect_uri, so every error
// returned here is redirected to the client with its state (RFC 6749
// §4.1.2.1), which is how a client learns that plain PKCE was refused.
func (s *server) Authorize(ctx context.Context, r *op.ClientRequest[oidc.AuthRequest]) (*op.Redirect, error) {
	c, ok := r.Client.(*client)
	if !ok {
		return nil, oidc.ErrServerError()
	}
	req := r.Data
	if err := checkPKCE(c, req.CodeChallenge, req.CodeChallengeMethod); err != nil {
		return nil, err
	}
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired().WithDescription("this provider keeps no login session; prompt=none cannot succeed")
	}
	if !slices.Contains(req.Scopes, oidc.ScopeOpenID) {
		return nil, oidc.ErrInvalidScope().WithDescription("the openid scope is required")
	}
	// zitadel keeps phone, address and offline_access for any client; keep
	// only what this client may have, once each.
	var scopes []string
	for _, sc := range req.Scopes {
		if c.loginScopeAllowed(sc) && !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	req.Scopes = scopes
	return s.LegacyServer.Authorize(ctx, r)
}

func (c *client) loginScopeAllowed(scope string) bool {
	switch scope {
	case oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail:
		return true
	}
	return c.IsScopeAllowed(scope)
}

// s256Challenge is a base64url SHA-256 digest without padding (RFC 7636 §4.2).
var s256Challenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// checkPKCE accepts S256 only. A challenge without a method means plain
// (RFC 7636 §4.3), so it is refused too. Public clients must use PKCE;
// confidential clients may, and then must use S256.
func checkPKCE(c *client, challenge string, method oidc.CodeChallengeMethod) error {
	switch {
	case challenge == "" && c.Public:
		return oidc.ErrInvalidRequest().WithDescription("code_challenge is required (PKCE with S256)")
	case challenge == "" && method != "":
		return oidc.ErrInvalidRequest().WithDescription("code_challenge_method without code_challenge")
	case challenge == "":
		return nil
	case method != oidc.CodeChallengeMethodS256:
		return oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	case !s256Challenge.MatchString(challenge):
		return oidc.ErrInvalidRequest().WithDescription("code_challenge must be a base64url SHA-256 digest (43 characters)")
	}
	return nil
}

// CodeExchange redeems an authorization code. Unlike zitadel's, it always
// checks the verifier when the request had a challenge (zitadel skips the
// check when a confidential client sends no verifier), and it removes the
// code atomically, so a code works once even under concurrent exchanges.
// A failed attempt does not consume the code.
func (s *server) CodeExchange(ctx context.Context, r *op.ClientRequest[oidc.AccessTokenRequest]) (*op.Response, error) {
	ar, err := s.store.AuthRequestByCode(ctx, r.Data.Code)
	if err != nil {
		return nil, oidc.ErrInvalidGrant().WithDescription("invalid or expired code")
	}
	req := ar.(*authRequest)
	if req.clientID != r.Client.GetID() {
		return nil, oidc.ErrInvalidGrant().WithDescription("invalid or expired code")
	}
	if r.Data.RedirectURI != req.redirectURI {
		return nil, oidc.ErrInvalidGrant().WithDescription("redirect_uri does not match the authorization request")
	}
	if req.codeChallenge == nil && r.Client.AuthMethod() == oidc.AuthMethodNone {
		return nil, oidc.ErrInvalidGrant().WithDescription("PKCE is required")
	}
	if err := op.AuthorizeCodeChallenge(r.Data.CodeVerifier, req.codeChallenge); err != nil {
		return nil, err
	}
	req, ok := s.store.takeAuthRequestByCode(r.Data.Code)
	if !ok {
		return nil, oidc.ErrInvalidGrant().WithDescription("invalid or expired code")
	}
	resp, err := s.codeTokens(ctx, req, r.Client, r.Data.Code)
	if err != nil {
		return nil, err
	}
	return tokenResponse(resp), nil
}

// codeTokens issues the access token (audience: the API) and the ID token
// (audience: the client) for a redeemed code.
func (s *server) codeTokens(ctx context.Context, req *authRequest, c op.Client, code string) (*oidc.AccessTokenResponse, error) {
	atReq := &userTokenRequest{
		clientID: req.clientID,
		subject:  req.subject,
		audience: []string{s.cfg.Audience},
		scopes:   req.scopes,
	}
	accessToken, _, validity, err := op.CreateAccessToken(ctx, atReq, op.AccessTokenTypeJWT, s.Provider(), c, "")
	if err != nil {
		return nil, err
	}
	idToken, err := op.CreateIDToken(ctx, s.cfg.Issuer, req, c.IDTokenLifetime(), accessToken, code, s.store, c)
	if err != nil {
		return nil, err
	}
	return &oidc.AccessTokenResponse{
		AccessToken: accessToken,
		IDToken:     idToken,
		TokenType:   oidc.BearerToken,
		ExpiresIn:   uint64(validity.Seconds()),
		Scope:       req.scopes,
	}, nil
}

// ClientCredentialsExchange is zitadel's, run on the client VerifyClient
// authenticated, with the caching headers a token response needs.
func (s *server) ClientCredentialsExchange(ctx context.Context, r *op.ClientRequest[oidc.ClientCredentialsRequest]) (*op.Response, error) {
	resp, err := s.LegacyServer.ClientCredentialsExchange(ctx, r)
	if err != nil {
		return nil, err
	}
	setNoStore(resp.Header)
	return resp, nil
}

// JWTProfile is refused: the grant is not advertised, and zitadel's
// implementation would issue tokens on an assertion alone, bypassing the
// checks in assertion.go.
func (s *server) JWTProfile(context.Context, *op.Request[oidc.JWTProfileGrantRequest]) (*op.Response, error) {
	return nil, unsupportedGrant()
}

func unsupportedGrant() error {
	return op.NewStatusError(
		oidc.ErrUnsupportedGrantType().WithDescription("only authorization_code and client_credentials are offered"),
		http.StatusBadRequest)
}

func tokenResponse(data *oidc.AccessTokenResponse) *op.Response {
	resp := op.NewResponse(data)
	setNoStore(resp.Header)
	return resp
}

// setNoStore: token responses must not be cached (RFC 6749 §5.1).
func setNoStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
}
