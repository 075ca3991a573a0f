package gqlserver

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeStreamRequired refuses a subscription sent over a transport that answers once.
const codeStreamRequired = "SUBSCRIPTION_REQUIRES_STREAM"

func init() {
	// A request the transport cannot serve: HTTP 422, like a validation failure.
	errcode.RegisterErrorType(codeStreamRequired, errcode.KindProtocol)
}

// oneShot is a transport that answers with one response (POST, GET). A subscription sent over it
// would wait for its first event and answer only that; it is refused at once instead.
type oneShot struct{ graphql.Transport }

func (t oneShot) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.Transport.Do(w, r, noSubscriptions{exec})
}

type noSubscriptions struct{ graphql.GraphExecutor }

func (e noSubscriptions) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	oc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	if len(errs) == 0 && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return oc, gqlerror.List{{
			Message:    "a subscription needs a streaming transport: a WebSocket (graphql-transport-ws) or SSE (POST with Accept: text/event-stream)",
			Extensions: map[string]any{"code": codeStreamRequired},
		}}
	}
	return oc, errs
}
