// Package observe is how a platform team sees Ponte run: structured logs that name the request
// and the caller behind every line (LogHandler), one access line per request (Requests),
// OpenTelemetry traces across HTTP, GraphQL, SQL, River jobs and webhook deliveries (Tracing,
// GraphQL, QueryTracer, RiverMiddleware, InjectTrace) and Prometheus metrics (Metrics and the
// collectors of the pool, the job queues and the event hub).
//
// Tracing uses OpenTelemetry's global tracer provider and propagator: unset (no OTEL_*
// variables), every span is a no-op. Metrics are process-wide series in one registry; what a
// server owns (its pool, its queues, its hub) is read at scrape time by collectors the server
// registers with Handler.
package observe
