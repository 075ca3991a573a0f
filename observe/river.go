package observe

import (
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// RiverMiddleware carries a trace into River jobs and measures them. At insert it stores the
// inserting context's trace context (traceparent, tracestate) in the job's metadata; when a job
// is worked it starts the job's span as a child of that context (a job inserted outside a trace
// starts its own), and observes the job's wait (scheduled time to start) and duration by kind.
// Install it in both River clients: the inserter's for the insert, the worker's for the work.
type RiverMiddleware struct{ river.MiddlewareDefaults }

var (
	_ rivertype.JobInsertMiddleware = (*RiverMiddleware)(nil)
	_ rivertype.WorkerMiddleware    = (*RiverMiddleware)(nil)
)

// InsertMany adds the trace context to each job's metadata.
func (*RiverMiddleware) InsertMany(ctx context.Context, many []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	if len(carrier) > 0 {
		for _, p := range many {
			p.Metadata = withTrace(p.Metadata, carrier)
		}
	}
	return doInner(ctx)
}

// withTrace is metadata (a JSON object, or empty) with the carrier's keys added.
func withTrace(metadata []byte, carrier propagation.MapCarrier) []byte {
	m := map[string]any{}
	if len(metadata) > 0 {
		if err := json.Unmarshal(metadata, &m); err != nil {
			return metadata // not an object: leave it as River or the caller made it
		}
	}
	for k, v := range carrier {
		m[k] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		return metadata
	}
	return out
}

// Work runs the job inside its span.
func (*RiverMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	carrier := propagation.MapCarrier{}
	var m map[string]any
	if json.Unmarshal(job.Metadata, &m) == nil {
		for k, v := range m {
			if s, ok := v.(string); ok {
				carrier[k] = s
			}
		}
	}
	parent := otel.GetTextMapPropagator().Extract(ctx, carrier)
	ctx, span := tracer().Start(trace.ContextWithRemoteSpanContext(ctx, trace.SpanContextFromContext(parent)), "job "+job.Kind,
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
			attribute.String("river.job.kind", job.Kind), attribute.Int64("river.job.id", job.ID),
			attribute.Int("river.job.attempt", job.Attempt), attribute.String("river.job.queue", job.Queue)))
	defer span.End()
	start := time.Now()
	jobWait.WithLabelValues(job.Kind).Observe(max(0, start.Sub(job.ScheduledAt).Seconds()))
	err := doInner(ctx)
	outcome := "ok"
	if err != nil {
		outcome = "error"
		span.SetStatus(codes.Error, err.Error())
	}
	jobDuration.WithLabelValues(job.Kind, outcome).Observe(time.Since(start).Seconds())
	return err
}
