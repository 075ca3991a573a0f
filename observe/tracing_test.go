package observe

import (
	"context"
	"testing"
)

// TestTracingIsOffWithoutAnEndpoint: no OTEL_* variables, no exporter; the variables that turn
// the SDK off win over an endpoint.
func TestTracingIsOffWithoutAnEndpoint(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"},
	} {
		shutdown, enabled, err := Tracing(context.Background(), func(k string) string { return env[k] })
		if err != nil || enabled {
			t.Errorf("%v: enabled %v, err %v", env, enabled, err)
		}
		if err := shutdown(context.Background()); err != nil {
			t.Errorf("%v: shutdown: %v", env, err)
		}
	}
}

// TestTracingExportsOverOTLPWhenAnEndpointIsSet: an endpoint turns the OTLP/HTTP exporter on.
func TestTracingExportsOverOTLPWhenAnEndpointIsSet(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // the exporter reads the process's variables
	shutdown, enabled, err := Tracing(context.Background(), func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}[k]
	})
	if err != nil || !enabled {
		t.Fatalf("enabled %v, err %v", enabled, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing to flush; do not wait on the unreachable collector
	_ = shutdown(ctx)
}
