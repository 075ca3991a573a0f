package auth

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// WebsocketInit authenticates a GraphQL WebSocket from its connection_init payload
// ({"Authorization": "Bearer <token>"}). A missing or bad token closes the socket with 4403
// (graphql-transport-ws "Forbidden"), not a normal close that clients would retry in a loop.
func (a *Authenticator) WebsocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	raw := p.Authorization()
	if raw == "" {
		raw, _ = p["authorization"].(string)
	}
	tok, ok := bearer(raw)
	if !ok {
		// Some clients send the bare token; "Bearer " with nothing after it is no token.
		tok = strings.TrimSpace(raw)
		if strings.EqualFold(tok, "Bearer") {
			tok = ""
		}
	}
	if tok == "" {
		return refuse(ctx, &apperr.Error{Code: apperr.Unauthenticated, Reason: ReasonMissing, Message: "connection_init must carry Authorization: Bearer <token>"})
	}
	c, err := a.Authenticate(ctx, tok)
	if err != nil {
		return refuse(ctx, err)
	}
	ctx = WithCaller(ctx, c)
	if st := streamOf(ctx); st != nil {
		// Closed with 4401 when the token expires, and with 4403 when the tenant is disabled.
		ctx, _ = st.run(ctx, c.Expiry)
		a.endOnDrain(ctx, st) // 1012 when the server shuts down
		if c.Kind == KindTenant && a.watchTenant != nil {
			context.AfterFunc(ctx, a.watchTenant(c.Tenant.ID, func(e *models.Event) {
				if e.Topic == models.EventTopicTenant {
					go a.endIfDisabled(ctx, st, c.Tenant.ID)
				}
			}))
		}
	}
	return ctx, nil, nil
}

// TenantWatch calls f at once with the events about a tenant (events.Hub.WatchTenant) until stop.
type TenantWatch func(tenant uuid.UUID, f func(*models.Event)) (stop func())

// WatchTenants lets the authenticator hear of changes to tenants as they commit, so that a
// disabled tenant's open WebSockets close with 4403 even with no subscription on them (queries
// and mutations over a socket are not authenticated again). Call it before serving.
func (a *Authenticator) WatchTenants(w TenantWatch) { a.watchTenant = w }

// endIfDisabled ends the stream when the tenant is no longer enabled.
func (a *Authenticator) endIfDisabled(ctx context.Context, st *stream, tenant uuid.UUID) {
	enabled, err := EnabledTenants(ctx, a.db, []uuid.UUID{tenant})
	if err == nil && !enabled[tenant] {
		st.end(errTenantDisabled)
	}
}

func refuse(ctx context.Context, err error) (context.Context, *transport.InitPayload, error) {
	code := CloseForbidden
	if apperr.CodeOf(err) == apperr.Unavailable {
		code = 1013 // Try Again Later: the database or the issuer is down, the token may be fine
	}
	ctx = transport.WithWebsocketCloseCode(ctx, code)
	reason := string(apperr.CodeOf(err))
	if e, ok := apperr.As(err); ok && e.Reason != "" { // why a token was refused, as on HTTP
		reason += ": " + e.Reason
	}
	ctx = transport.AppendCloseReason(ctx, reason)
	return ctx, nil, err
}
