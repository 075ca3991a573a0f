package gqlserver

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

const (
	// codeStreamRequired refuses a subscription sent over a transport that answers once.
	codeStreamRequired = "SUBSCRIPTION_REQUIRES_STREAM"
	// codeDeferRequiresIncremental refuses @defer over a transport that sends one JSON body: it
	// would carry the first part only, with null where the deferred fields belong.
	codeDeferRequiresIncremental = "DEFER_REQUIRES_INCREMENTAL_DELIVERY"
)

func init() {
	// A request the transport cannot serve: a request error, like a validation failure (HTTP 200
	// with application/json, 400 with application/graphql-response+json: jsonStatus).
	errcode.RegisterErrorType(codeStreamRequired, errcode.KindProtocol)
	errcode.RegisterErrorType(codeDeferRequiresIncremental, errcode.KindProtocol)
}

// oneShot is a transport that answers with one response (POST, GET, multipart uploads) or, when
// incremental, one response in parts (multipart/mixed). A subscription sent over it would wait
// for its first event and answer only that; it is refused at once instead. So is @defer over a
// transport that is not incremental: gqlgen would send the first part and drop the rest.
type oneShot struct {
	graphql.Transport
	incremental bool
}

func (t oneShot) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	js := &jsonStatus{ResponseWriter: w}
	t.Transport.Do(js, r, oneShotExecutor{exec, t.incremental})
	js.finish()
}

type oneShotExecutor struct {
	graphql.GraphExecutor
	incremental bool
}

func (e oneShotExecutor) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	oc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	if len(errs) > 0 || oc.Operation == nil {
		return oc, errs
	}
	if oc.Operation.Operation == ast.Subscription {
		return oc, gqlerror.List{{
			Message:    "a subscription needs a streaming transport: a WebSocket (graphql-transport-ws) or SSE (POST with Accept: text/event-stream)",
			Extensions: map[string]any{"code": codeStreamRequired},
		}}
	}
	if !e.incremental && anySelection(oc.Doc, oc.Operation.SelectionSet, deferred) {
		return oc, gqlerror.List{{
			Message: "@defer needs incremental delivery: POST with Accept: multipart/mixed (as Apollo Client sends it), " +
				"SSE (Accept: text/event-stream) or a WebSocket; a single JSON response cannot carry the deferred fields",
			Extensions: map[string]any{"code": codeDeferRequiresIncremental},
		}}
	}
	return oc, nil
}
