package observe

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TraceParent is ctx's trace context as a W3C traceparent, "" when ctx carries none: for work a
// request leaves in a table rather than in a job (a payment waiting in the payments' queue), so
// that whoever picks it up continues the request's trace (StartFrom).
func TraceParent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, c)
	return c["traceparent"]
}

// StartFrom starts a consumer span named name that continues the trace of traceparent (a new
// trace when it is ""), keeping ctx's values; end it with span.End.
func StartFrom(ctx context.Context, traceparent, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if traceparent != "" {
		parent := otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
		ctx = trace.ContextWithRemoteSpanContext(ctx, trace.SpanContextFromContext(parent))
	}
	return tracer().Start(ctx, name, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attrs...))
}
