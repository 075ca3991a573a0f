// Package gqlserver builds Ponte's one GraphQL endpoint: gqlgen's executor over the resolvers,
// with its transports (HTTP POST and GET, WebSocket with graphql-transport-ws and the legacy
// graphql-ws, SSE), its limits (complexity, depth, body size, query cost against the caller's
// bucket: HTTP 429 when it does not fit), the error presenter, panic recovery,
// authentication of every request, and its observation (observe.GraphQL: spans, metrics, the
// access line's operation and cost).
//
// It owns how the endpoint is assembled, nothing it serves: no resolver, no rule. The server
// mounts it at /graphql. Domain packages never import it.
package gqlserver

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/apiguard"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/internal/clientip"
	"github.com/ponte-bff/ponte/observe"
	"github.com/ponte-bff/ponte/resolvers"
)

// Config holds the endpoint's limits and what it allows outside production.
type Config struct {
	MaxComplexity int   // per operation (gqlgen's fixed complexity)
	MaxDepth      int   // of selection sets
	MaxBodyBytes  int64 // of a request body, and of the query string of a GET
	// MaxUploadBytes is the body limit of a multipart request (a file upload: createPayroll's
	// spreadsheet); default DefaultMaxUploadBytes. Every other request keeps MaxBodyBytes.
	MaxUploadBytes int64
	AllowedOrigins []string // Origin patterns a WebSocket may come from (coder/websocket's)
	// Introspection allows schema introspection, also without a token: the IDE reads the schema
	// before a token is pasted. Never in production.
	Introspection bool
	// PersistedOperations, when not empty, is the only operations the endpoint runs (an
	// allow-list, PONTE_PERSISTED_OPERATIONS); automatic persisted queries work either way.
	PersistedOperations PersistedOperations
}

// DefaultMaxUploadBytes is the default body limit of a multipart request: a 5,000-line payroll
// workbook is about 200 KB, so 8 MiB leaves room for formatting without inviting abuse.
const DefaultMaxUploadBytes = 8 << 20

// Limits of an operation's expanded size (apiguard.SizeLimit): at these, gqlgen's validation of
// the worst operation takes tens of milliseconds.
const (
	minExpandedSelections = 2000
	maxRepeatedField      = 24 // fields at one response path; real queries repeat a field a few times
)

// New returns the endpoint over res, authenticating every request (and every WebSocket's
// connection_init) with authn.
func New(cfg Config, res *resolvers.Resolver, authn *auth.Authenticator, log *slog.Logger) http.Handler {
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
	srv.AddTransport(oneShot{Transport: transport.GET{}})
	// multipart/mixed before POST, which matches the same requests: a POST that accepts
	// multipart/mixed (Apollo Client's, for @defer) gets each deferred part as it is ready.
	srv.AddTransport(oneShot{Transport: transport.MultipartMixed{Boundary: "-", DeliveryTimeout: 10 * time.Millisecond}, incremental: true})
	srv.AddTransport(oneShot{Transport: transport.POST{}})
	// The GraphQL multipart request spec (file uploads): bodies up to MaxUploadBytes, of which at
	// most 1 MiB is held in memory (the rest spills to a temporary file).
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	srv.AddTransport(oneShot{Transport: transport.MultipartForm{MaxUploadSize: cfg.MaxUploadBytes, MaxMemory: 1 << 20}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	// First, so that its spans wrap the whole operation and its response interceptor sees the
	// response complete (extensions.cost): operation spans, the request's operation name and
	// cost for its access line, open subscriptions. Resolver spans come from fields.
	srv.Use(observe.GraphQL{})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(refuseIntrospection{})
	}
	// The allow-list, when there is one, before APQ: it hands APQ the listed text of a hash.
	if len(cfg.PersistedOperations) > 0 {
		srv.Use(allowList{cfg.PersistedOperations})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache()})
	// Before anything walks the document (validation, complexity, depth): its expanded size,
	// measured once per fragment. Every field costs at least 1 in complexity, so an operation of
	// more fields than MaxComplexity is refused by complexity anyway; the floor leaves room for
	// the IDE's introspection query, whose fields complexity does not count.
	srv.Use(apiguard.NewSizeLimit(max(cfg.MaxComplexity, minExpandedSelections), maxRepeatedField))
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	// After the complexity limit, whose computed complexity is the operation's requested cost:
	// taken from the caller's bucket before it runs, reported in every response's extensions.
	srv.Use(apiguard.Cost{Buckets: res.Buckets})
	srv.Use(apiguard.DepthLimit{Max: cfg.MaxDepth})
	// The only field middleware: resolver spans, the actual cost, cancellation, NUL refusal.
	srv.AroundFields(fields)
	srv.AroundOperations(readMemo)
	srv.SetErrorPresenter(resolvers.PresentError(log))
	srv.SetRecoverFunc(resolvers.Recover(log))

	// verifyReceipt is public: whoever holds a printed receipt confirms it without a login.
	anonymous := apiguard.IsPublic(cfg.MaxBodyBytes, cfg.Introspection, "verifyReceipt")
	h := clientip.Middleware(authn.Middleware(log, anonymous)(apiguard.ThrottledStatus(srv)))
	return multipartOr(apiguard.MaxBody(cfg.MaxUploadBytes)(h), apiguard.MaxBody(cfg.MaxBodyBytes)(h))
}

// readMemo gives a query operation (not a mutation, not a subscription) the authorizer's memo:
// the fields of a page of accounts authorize each account once (auth.WithReadMemo).
func readMemo(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Query {
		ctx = auth.WithReadMemo(ctx)
	}
	return next(ctx)
}

// multipartOr routes a multipart request (an upload) to upload and every other one to other.
func multipartOr(upload, other http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
			upload.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}
