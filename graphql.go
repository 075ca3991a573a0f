package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/apiguard"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/resolvers"
)

// newGraphQLHandler builds the one GraphQL endpoint: HTTP POST and GET, WebSocket
// (graphql-transport-ws and the legacy graphql-ws) and SSE, with complexity and depth limits,
// the error presenter and panic recovery.
func newGraphQLHandler(cfg config, res *resolvers.Resolver, authn *auth.Authenticator, log *slog.Logger) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(resolvers.Config(res)))
	// SSE must come before POST: it matches POST with Accept: text/event-stream.
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: 15 * time.Second})
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		PingPongInterval:      10 * time.Second,
		InitTimeout:           5 * time.Second,
		InitFunc:              authn.WebsocketInit,
		Implementation: auth.ExpiringSockets{Inner: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns: cfg.AllowedOrigins,
		}}},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Env != envProduction {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	srv.Use(apiguard.DepthLimit{Max: cfg.MaxDepth})
	srv.SetErrorPresenter(resolvers.PresentError(log))
	srv.SetRecoverFunc(resolvers.Recover(log))

	var anonymous func(*http.Request) bool
	if cfg.Env != envProduction {
		anonymous = apiguard.IsIntrospectionOnly(cfg.MaxBodyBytes) // the IDE reads the schema before a token is pasted
	}
	return apiguard.MaxBody(cfg.MaxBodyBytes)(authn.Middleware(log, anonymous)(srv))
}
