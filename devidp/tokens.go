package devidp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Access tokens are JWTs (RFC 9068 shape) with these claims:
//   iss, sub, aud, exp, iat, nbf, jti, client_id  set by zitadel
//   azp, scope (space-separated)                   set here, every token
//   <RolesClaim>    client-credentials tokens of clients with roles
//   <DocumentClaim> user tokens of users with a document

// clientTokenRequest is a client-credentials grant: the client acts for
// itself, so it is also the subject.
type clientTokenRequest struct {
	clientID string
	audience []string
	scopes   []string
	roles    []string
}

func (r *clientTokenRequest) GetSubject() string    { return r.clientID }
func (r *clientTokenRequest) GetAudience() []string { return r.audience }
func (r *clientTokenRequest) GetScopes() []string   { return r.scopes }

// userTokenRequest is the access-token view of a completed authorization
// request. It exists because zitadel takes the audience of both the ID
// token and the access token from one GetAudience: the ID token must be for
// the client, the access token for the API, and a token valid as both would
// let one be replayed as the other.
type userTokenRequest struct {
	clientID string
	subject  string
	audience []string
	scopes   []string
}

func (r *userTokenRequest) GetSubject() string    { return r.subject }
func (r *userTokenRequest) GetAudience() []string { return r.audience }
func (r *userTokenRequest) GetScopes() []string   { return r.scopes }

// issuedToken remembers a user access token, so that userinfo can answer
// for it.
type issuedToken struct {
	subject    string
	clientID   string
	scopes     []string
	expiration time.Time
}

// ClientCredentialsTokenRequest grants the requested scopes if the client
// may have all of them, or all of its scopes when none are requested.
func (s *storage) ClientCredentialsTokenRequest(_ context.Context, clientID string, requested []string) (op.TokenRequest, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	scopes, err := grantScopes(c, requested)
	if err != nil {
		return nil, err
	}
	return &clientTokenRequest{
		clientID: c.ID,
		audience: []string{s.cfg.Audience},
		scopes:   scopes,
		roles:    slices.Clone(c.Roles),
	}, nil
}

// grantScopes refuses the whole request if one scope is not allowed
// (RFC 6749 §5.2 invalid_scope) rather than silently narrowing it, so a
// misconfigured tenant finds out at once. The description does not echo
// the scope: error_description must stay within a restricted character set.
func grantScopes(c *client, requested []string) ([]string, error) {
	if len(requested) == 0 {
		return slices.Clone(c.Scopes), nil
	}
	var granted []string
	for _, scope := range requested {
		if !c.IsScopeAllowed(scope) {
			return nil, oidc.ErrInvalidScope().WithDescription("a requested scope is not allowed for this client")
		}
		if !slices.Contains(granted, scope) {
			granted = append(granted, scope)
		}
	}
	return granted, nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	now := time.Now()
	id, exp := newID(), now.Add(s.cfg.AccessTokenTTL)
	if ur, ok := req.(*userTokenRequest); ok {
		s.mu.Lock()
		s.purgeLocked(now)
		s.tokens[id] = issuedToken{subject: ur.subject, clientID: ur.clientID, scopes: ur.scopes, expiration: exp}
		s.mu.Unlock()
	}
	return id, exp, nil
}

// GetPrivateClaimsFromRequest adds the claims zitadel does not set itself.
// The scope claim carries every granted scope, including profile and email,
// matching the token response's scope.
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	claims := map[string]any{"scope": strings.Join(req.GetScopes(), " ")}
	switch r := req.(type) {
	case *clientTokenRequest:
		claims["azp"] = r.clientID
		if len(r.roles) > 0 {
			claims[s.cfg.RolesClaim] = r.roles
		}
	case *userTokenRequest:
		claims["azp"] = r.clientID
		if u := s.users.bySubject(r.subject); u != nil && u.Document != "" {
			claims[s.cfg.DocumentClaim] = u.Document
		}
	default:
		return nil, fmt.Errorf("devidp: unexpected token request %T", req)
	}
	return claims, nil
}

// GetPrivateClaimsFromScopes is not reached, since GetPrivateClaimsFromRequest
// is implemented; it adds nothing.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{}, nil
}

// SetUserinfoFromRequest fills the ID token. The user's claims go in
// whatever the requested scopes: the provider's contract is that every ID
// token names the person (sub, name, email, document), and the demo users
// have no privacy to protect.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	u := s.users.bySubject(req.GetSubject())
	if u == nil {
		return errors.New("devidp: user no longer exists")
	}
	s.setUserClaims(info, u)
	return nil
}

// SetUserinfoFromScopes is deprecated in zitadel; SetUserinfoFromRequest
// does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint for a live user access
// token that was granted the openid scope.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	tok, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || tok.subject != subject || time.Now().After(tok.expiration) || !slices.Contains(tok.scopes, oidc.ScopeOpenID) {
		return oidc.ErrAccessDenied().WithDescription("the access token does not grant userinfo")
	}
	u := s.users.bySubject(subject)
	if u == nil {
		return oidc.ErrAccessDenied().WithDescription("the user no longer exists")
	}
	s.setUserClaims(info, u)
	return nil
}

func (s *storage) setUserClaims(info *oidc.UserInfo, u *User) {
	info.Subject = u.Subject
	info.Name = u.Name
	info.PreferredUsername = u.Username
	if u.Email != "" {
		info.Email = u.Email
		info.EmailVerified = true // the configured users are trusted as given
	}
	if u.Document != "" {
		info.AppendClaims(s.cfg.DocumentClaim, u.Document)
	}
}
