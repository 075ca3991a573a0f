package observe

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// QueryTracer is a pgx tracer that gives every SQL query run within a traced context a span (its
// statement, without arguments: they carry customers' data). Queries outside a sampled trace
// (River's polling, the event hub's reads) get none: they would each start a trace of their own.
type QueryTracer struct{}

var _ pgx.QueryTracer = QueryTracer{}

type spanKey struct{}

// TraceQueryStart starts the query's span.
func (QueryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() { // not traced, or not sampled: no span to add to
		return ctx
	}
	ctx, span := tracer().Start(ctx, "sql "+firstWord(data.SQL), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system", "postgresql"), attribute.String("db.statement", data.SQL)))
	return context.WithValue(ctx, spanKey{}, span)
}

// TraceQueryEnd ends it.
func (QueryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span, ok := ctx.Value(spanKey{}).(trace.Span)
	if !ok {
		return
	}
	if data.Err != nil {
		span.SetStatus(codes.Error, data.Err.Error())
	} else {
		span.SetAttributes(attribute.Int64("db.rows_affected", data.CommandTag.RowsAffected()))
	}
	span.End()
}

// firstWord is the statement's verb (SELECT, INSERT...), a span name of bounded variety.
func firstWord(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "query"
	}
	return strings.ToUpper(f[0])
}
