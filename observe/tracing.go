package observe

import (
	"context"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkresource "go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation names Ponte's tracer.
const instrumentation = "github.com/ponte-bff/ponte/observe"

func tracer() trace.Tracer { return otel.Tracer(instrumentation) }

// Propagate makes W3C Trace Context (traceparent, tracestate) and Baggage the process's
// propagator: how a trace arrives with a request and leaves with a job or a webhook.
func Propagate() {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
}

// Tracing exports spans over OTLP/HTTP when the standard variables ask for it:
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set, and OTEL_TRACES_EXPORTER
// and OTEL_SDK_DISABLED not turning it off. The exporter reads the other OTEL_EXPORTER_OTLP_*
// variables (headers, timeout, compression), the resource OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES, the sampler OTEL_TRACES_SAMPLER(_ARG). Unset: no exporter, and every
// span is a no-op. It returns the shutdown that flushes the last spans.
func Tracing(ctx context.Context, getenv func(string) string) (shutdown func(context.Context) error, enabled bool, err error) {
	Propagate()
	noop := func(context.Context) error { return nil }
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return noop, false, nil
	}
	switch strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER"))) {
	case "", "otlp":
	default: // "none", or an exporter Ponte does not build
		return noop, false, nil
	}
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return noop, false, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return noop, false, err
	}
	// service.name is "ponte" unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES name it.
	res, err := sdkresource.Merge(sdkresource.Default(), sdkresource.NewSchemaless(attribute.String("service.name", "ponte")))
	if err == nil {
		res, err = sdkresource.Merge(res, sdkresource.Environment())
	}
	if err != nil {
		res = sdkresource.Default()
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, true, nil
}

// InjectTrace puts ctx's trace context in h (traceparent on an outgoing request).
func InjectTrace(ctx context.Context, h http.Header) {
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(h))
}
