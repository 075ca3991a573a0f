package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/models"
)

// Config tells the Authenticator how to read the issuer's access tokens.
type Config struct {
	Audience      string   // required in aud of API access tokens, e.g. "ponte"
	DocumentClaim string   // claim with a holder's verified CPF/CNPJ; its presence makes a holder token
	RolesClaim    string   // claim listing roles
	OperatorRole  string   // role that makes an operator
	Algorithms    []string // accepted signing algorithms
}

// Authenticator verifies access tokens and resolves their caller.
type Authenticator struct {
	cfg    Config
	db     *gorm.DB
	issuer *Issuer

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier // set once discovery succeeds

	verified verified // tokens verified before, until their exp

	watchTenant TenantWatch // WatchTenants: a disabled tenant's open sockets close at once
	drain       drain       // Drain: a shutting-down server's streams end with a retryable code
}

// NewAuthenticator returns an Authenticator for tokens of issuer.
func NewAuthenticator(issuer *Issuer, cfg Config, db *gorm.DB) *Authenticator {
	if cfg.DocumentClaim == "" {
		cfg.DocumentClaim = "document"
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "roles"
	}
	if cfg.OperatorRole == "" {
		cfg.OperatorRole = "operator"
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = []string{oidc.RS256, oidc.PS256, oidc.ES256}
	}
	return &Authenticator{cfg: cfg, db: db, issuer: issuer}
}

// Ready reports whether the issuer's discovery document could be read.
func (a *Authenticator) Ready(ctx context.Context) error {
	_, err := a.getVerifier(ctx)
	return err
}

func (a *Authenticator) getVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.verifier != nil {
		return a.verifier, nil
	}
	v, err := a.issuer.Verifier(ctx, a.cfg.Audience, a.cfg.Algorithms)
	if err != nil {
		return nil, err
	}
	a.verifier = v
	return v, nil
}

// tokenClaims are the access-token claims Ponte reads beyond what go-oidc checks.
type tokenClaims struct {
	ClientID string `json:"client_id"`
	Azp      string `json:"azp"`
	Scope    string `json:"scope"`
}

// Authenticate verifies raw (signature, issuer, audience, expiry, algorithm) and resolves the
// caller. Errors: UNAUTHENTICATED for a bad token; FORBIDDEN for a valid token of an unknown or
// disabled tenant; SERVICE_UNAVAILABLE when the issuer or the database cannot be reached (the
// cause, with its addresses, is in the error for logs only). A token verified before is not
// verified again until its exp (verified); its tenant is read every time.
func (a *Authenticator) Authenticate(ctx context.Context, raw string) (*Caller, error) {
	t, ok := a.verified.get(raw, time.Now())
	if !ok {
		var err error
		if t, err = a.verify(ctx, raw); err != nil {
			return nil, err
		}
		a.verified.put(raw, t, time.Now())
	}
	c := t.caller
	c.Scopes = slices.Clone(c.Scopes)
	if c.Kind != KindTenant {
		return &c, nil
	}
	tenant, err := a.tenant(ctx, c.ClientID)
	if err != nil {
		return nil, err
	}
	c.Tenant = tenant
	c.Scopes = sorted(intersect(t.scopes, tenant.AllowedScopes))
	return &c, nil
}

// verify checks raw's signature and claims and reads its caller, without its tenant.
func (a *Authenticator) verify(ctx context.Context, raw string) (*token, error) {
	v, err := a.getVerifier(ctx)
	if err != nil {
		return nil, &apperr.Error{Code: apperr.Unavailable, Message: "the identity provider cannot be reached; try again", Err: err}
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, a.refusal(ctx, raw, err)
	}
	var std tokenClaims
	var all map[string]any
	if err := tok.Claims(&std); err != nil {
		return nil, &apperr.Error{Code: apperr.Unauthenticated, Message: "malformed access token claims", Err: err}
	}
	if err := tok.Claims(&all); err != nil {
		return nil, &apperr.Error{Code: apperr.Unauthenticated, Message: "malformed access token claims", Err: err}
	}
	if isIDToken(raw, all) {
		return nil, apperr.E(apperr.Unauthenticated, "this is an ID token, not an access token: call the API with the access token")
	}
	t := &token{caller: Caller{Issuer: tok.Issuer, Subject: tok.Subject, ClientID: std.ClientID, Expiry: tok.Expiry}}
	c := &t.caller
	if c.ClientID == "" {
		c.ClientID = std.Azp
	}
	if c.ClientID == "" {
		return nil, apperr.E(apperr.Unauthenticated, "access token names no client (client_id or azp)")
	}
	scopes := strings.Fields(std.Scope)
	switch {
	case slices.Contains(stringList(all[a.cfg.RolesClaim]), a.cfg.OperatorRole):
		c.Kind, c.Scopes = KindOperator, sorted(scopes)
	case claimString(all[a.cfg.DocumentClaim]) != "":
		c.Kind, c.Document, c.Scopes = KindHolder, claimString(all[a.cfg.DocumentClaim]), sorted(scopes)
	default:
		c.Kind, t.scopes = KindTenant, scopes
	}
	return t, nil
}

// tenant finds the enabled tenant registered for clientID. It is read on every request so that
// disabling a tenant takes effect at once; so it scans its row itself rather than through gorm's
// statement building and reflection.
func (a *Authenticator) tenant(ctx context.Context, clientID string) (*models.Tenant, error) {
	var t models.Tenant
	err := a.db.WithContext(ctx).Raw(`SELECT id, client_id, name, allowed_scopes, redirect_uris, disabled_at,
		throttle_capacity, throttle_restore_rate, created_at, updated_at FROM tenants WHERE client_id = ? LIMIT 1`, clientID).
		Row().Scan(&t.ID, &t.ClientID, &t.Name, &t.AllowedScopes, &t.RedirectURIs, &t.DisabledAt,
		&t.ThrottleCapacity, &t.ThrottleRestoreRate, &t.CreatedAt, &t.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.DisabledAt != nil) {
		return nil, apperr.E(apperr.Forbidden, "client %q is not an enabled Ponte tenant", clientID)
	}
	if database.Unavailable(err) {
		return nil, &apperr.Error{Code: apperr.Unavailable, Message: "database unavailable; try again", Err: err}
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func claimString(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// stringList reads a claim that may be a list of strings or one space-separated string.
func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return strings.Fields(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func intersect(a, b []string) []string {
	var out []string
	for _, s := range a {
		if slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
