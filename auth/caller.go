package auth

import (
	"context"
	"slices"
	"time"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/reqid"
)

// Kind is what sort of caller a token belongs to.
type Kind string

const (
	KindTenant   Kind = "TENANT"   // an ERP, client-credentials token
	KindHolder   Kind = "HOLDER"   // a person who owns accounts, interactive login
	KindOperator Kind = "OPERATOR" // the bank's back office, by role claim
)

// Caller is the verified identity behind a request.
type Caller struct {
	Kind     Kind
	Issuer   string
	Subject  string
	ClientID string
	Scopes   []string // effective scopes, sorted
	Expiry   time.Time
	Tenant   *models.Tenant // KindTenant only
	Document string         // KindHolder only: the verified CPF/CNPJ claim
}

// HasScope reports whether the caller's token (as its tenant is allowed) carries scope.
func (c *Caller) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// Actor is a stable, human-readable name for audit logs: "tenant:demo-erp", "operator:sub".
func (c *Caller) Actor() string {
	switch c.Kind {
	case KindTenant:
		return "tenant:" + c.ClientID
	case KindOperator:
		return "operator:" + c.Subject
	default:
		return "holder:" + c.Subject
	}
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	tenant := ""
	if c != nil && c.Kind == KindTenant {
		tenant = c.ClientID
	}
	if c != nil { // the request's access log line and every log line it writes name the caller
		reqid.SetCaller(ctx, tenant, c.Actor())
	}
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of ctx, if authenticated.
func CallerFrom(ctx context.Context) (*Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(*Caller)
	return c, ok && c != nil
}
