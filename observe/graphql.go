package observe

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ponte-bff/ponte/reqid"
)

// GraphQL is the gqlgen extension that traces operations (a span per operation; resolvers get
// theirs from TraceResolver), counts open subscriptions and query cost, and tells the request's
// access line which operation ran, what it cost and whether it was throttled. Use it first, so that its response interceptor sees the
// response the other extensions (apiguard.Cost's extensions.cost) have completed.
type GraphQL struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = GraphQL{}

// ExtensionName names the extension for gqlgen.
func (GraphQL) ExtensionName() string { return "Observe" }

// Validate is called once when the handler is built.
func (GraphQL) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation wraps the operation in its span; a subscription's span and its place in the
// open-subscriptions gauge last until it ends.
func (GraphQL) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	kind := "query"
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
	}
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	spanName := "graphql." + kind
	if name != "" {
		spanName += " " + name
	}
	ctx, span := tracer().Start(ctx, spanName, trace.WithAttributes(
		attribute.String("graphql.operation.type", kind), attribute.String("graphql.operation.name", name)))
	if kind == string(ast.Subscription) {
		openSubscriptions.Inc()
		context.AfterFunc(ctx, func() { openSubscriptions.Dec(); span.End() })
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp == nil {
				span.End()
			}
			return resp
		}
	}
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		// A query or a mutation answers once (a deferred part would answer again, within the
		// operation span's context but after it ended).
		defer span.End()
		resp := h(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			span.SetStatus(codes.Error, resp.Errors[0].Message)
		}
		return resp
	}
}

// InterceptResponse tells the request which operation it ran, its requested cost and whether it
// was throttled, once the response is complete (extensions.cost included).
func (GraphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	cost := 0
	if c, ok := resp.Extensions["cost"].(map[string]any); ok {
		cost, _ = c["requestedQueryCost"].(int)
	}
	isThrottled := false
	for _, e := range resp.Errors {
		if e.Extensions["code"] == "THROTTLED" {
			isThrottled = true
		}
	}
	if cost > 0 {
		queryCost.WithLabelValues(operationLabel(name)).Observe(float64(cost))
	}
	reqid.SetOperation(ctx, name, cost, isThrottled)
	return resp
}

// TraceResolver wraps a resolver method's work (fc, the field of ctx) in a span. It is a field
// middleware the endpoint's one field middleware calls, not an InterceptField of GraphQL: gqlgen
// would run that layer around every plain struct field too.
func TraceResolver(ctx context.Context, fc *graphql.FieldContext, next graphql.Resolver) (any, error) {
	if fc == nil || !fc.IsResolver || fc.Field.Field == nil || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	ctx, span := tracer().Start(ctx, "resolve "+fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String())))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}
