package auth

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/ponte-bff/ponte/apperr"
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
		tok = strings.TrimSpace(raw) // some clients send the bare token
	}
	if tok == "" {
		return refuse(ctx, apperr.E(apperr.Unauthenticated, "connection_init must carry Authorization: Bearer <token>"))
	}
	c, err := a.Authenticate(ctx, tok)
	if err != nil {
		return refuse(ctx, err)
	}
	ctx = WithCaller(ctx, c)
	if st := streamOf(ctx); st != nil {
		ctx, _ = st.run(ctx, c.Expiry) // closed with 4401 when the token expires
	}
	return ctx, nil, nil
}

func refuse(ctx context.Context, err error) (context.Context, *transport.InitPayload, error) {
	ctx = transport.WithWebsocketCloseCode(ctx, 4403)
	ctx = transport.AppendCloseReason(ctx, string(apperr.CodeOf(err)))
	return ctx, nil, err
}
