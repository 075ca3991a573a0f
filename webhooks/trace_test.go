package webhooks_test

import (
	"context"
	"regexp"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ponte-bff/ponte/observe"
	"github.com/ponte-bff/ponte/webhooks"
)

var traceparent = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$`)

// TestADeliveryCarriesItsJobsTraceparent: the POST of a delivery carries a W3C traceparent of
// the trace of the job that sent it, so the receiver's spans join Ponte's.
func TestADeliveryCarriesItsJobsTraceparent(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp)))
	observe.Propagate()
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 0)
	ep, _, err := svc.CreateEndpoint(context.Background(), tenant, rcv.URL(), "ERP back end", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)

	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests", len(got))
	}
	m := traceparent.FindStringSubmatch(got[0].Header.Get("traceparent"))
	if m == nil {
		t.Fatalf("traceparent %q", got[0].Header.Get("traceparent"))
	}
	eventually(t, func() bool {
		for _, s := range exp.GetSpans() {
			if s.Name == "job "+(webhooks.DeliverArgs{}).Kind() && s.SpanContext.TraceID().String() == m[1] && s.SpanContext.SpanID().String() == m[2] {
				return true
			}
		}
		return false
	}, func() string { return "no delivery job span is the traceparent's parent " + m[0] })
}
