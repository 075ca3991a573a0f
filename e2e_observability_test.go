package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/observe"
)

// tracedSpans is the process's tracer provider in these tests: an in-memory exporter, sampling
// only traces whose caller sampled them (a traceparent with the sampled flag), so that the other
// tests' requests and jobs record nothing.
var tracedSpans = sync.OnceValue(func() *tracetest.InMemoryExporter {
	exp := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.NeverSample()))))
	observe.Propagate()
	return exp
})

// observedServer is a server whose log the test reads (JSON lines) and whose stop it controls.
type observedServer struct {
	*testServer
	log  *syncBuffer
	stop context.CancelFunc
	done chan error
}

func startObservedServer(t *testing.T, env map[string]string) *observedServer {
	t.Helper()
	vars := map[string]string{"DATABASE_URL": testdb.New(t), "DB_MAX_OPEN_CONNS": "5", "SHUTDOWN_TIMEOUT": "5s", "PONTE_DRAIN_GRACE": "0s"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	buf := &syncBuffer{}
	log := slog.New(observe.NewLogHandler(buf, false, slog.LevelInfo))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var clock func() time.Time
	if vars[testClock] == businessHours {
		clock = businessHoursClock()
	}
	go func() { done <- serve(ctx, cfg, ln, log, clock) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("server did not shut down within 20s")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", buf.String())
		}
	})
	port := ln.Addr().(*net.TCPAddr).Port
	s := &testServer{URL: fmt.Sprintf("http://localhost:%d", port), Issuer: fmt.Sprintf("http://localhost:%d/idp", port), DSN: vars["DATABASE_URL"]}
	waitHealthy(t, s.URL, done)
	if s.db, err = database.Open(context.Background(), s.DSN, database.Pool{MaxOpen: 2, MaxIdle: 1, MaxLifetime: time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := s.db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return &observedServer{testServer: s, log: buf, stop: cancel, done: done}
}

// postGraphQL posts an operation with extra headers and decodes the response.
func postGraphQL(t *testing.T, s *testServer, token, query string, vars map[string]any, headers map[string]string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := gqlResponse{Status: resp.StatusCode}
	var parsed struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []gqlError                 `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &parsed); err != nil {
		t.Fatalf("response is not JSON (HTTP %d): %s", resp.StatusCode, raw)
	}
	out.Data, out.Errors = parsed.Data, parsed.Errors
	return out
}

// TestATraceFollowsARequestIntoTheJobItEnqueued: a TED created with a traceparent yields, in the
// caller's trace, the HTTP request's span, the operation's, the resolver's, SQL queries', its
// execution's in a batch (the payments' queue keeps the trace context) and the settlement job's
// that the execution inserted.
func TestATraceFollowsARequestIntoTheJobItEnqueued(t *testing.T) {
	t.Parallel()
	exp := tracedSpans()
	s := startServer(t, map[string]string{"PONTE_SANDBOX_RAIL_DELAY": "100ms", testClock: businessHours})
	tok := tenantToken(t, s)
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw)
	deposit(t, s, tok, own, "1000.00", "trace-funds")

	var traceID trace.TraceID
	copy(traceID[:], randomString(t))
	traceparent := fmt.Sprintf("00-%s-00f067aa0ba902b7-01", traceID)
	var p paymentPayload
	postGraphQL(t, s, tok, `mutation Pay($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "237", branchCode: "1", accountCode: "99-1", name: "Fornecedor", document: "11222333000181"}, amount: "10.00", idempotencyKey: "traced"}) { `+paymentFields+` } }`,
		map[string]any{"a": own}, map[string]string{"traceparent": traceparent}).decode(t, "createTedTransfer", &p)
	if p.Payment == nil {
		t.Fatalf("%+v", p.UserErrors)
	}
	waitStatus(t, s, tok, p.Payment.ID, "FINISHED")

	want := map[string]func(tracetest.SpanStub) bool{
		"the HTTP request": func(s tracetest.SpanStub) bool {
			return s.SpanKind == trace.SpanKindServer && s.Name == "POST /graphql"
		},
		"the operation": func(s tracetest.SpanStub) bool { return s.Name == "graphql.mutation Pay" },
		"the resolver":  func(s tracetest.SpanStub) bool { return s.Name == "resolve Mutation.createTedTransfer" },
		"a SQL query":   func(s tracetest.SpanStub) bool { return strings.HasPrefix(s.Name, "sql ") },
		"the execution": func(s tracetest.SpanStub) bool { return s.Name == "payment execute" },
		"the River job": func(s tracetest.SpanStub) bool { return strings.HasPrefix(s.Name, "job ") },
	}
	deadline := time.Now().Add(10 * time.Second) // the job's span ends just after its payment's status is read
	for {
		var missing []string
		spans := exp.GetSpans()
		for what, match := range want {
			found := false
			for _, s := range spans {
				if s.SpanContext.TraceID() == traceID && match(s) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, what)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var names []string
			for _, s := range spans {
				if s.SpanContext.TraceID() == traceID {
					names = append(names, s.Name)
				}
			}
			t.Fatalf("trace %s lacks spans for %v; it has %v", traceID, missing, names)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The operation is a child of the HTTP request's span, itself a child of the caller's.
	for _, sp := range exp.GetSpans() {
		if sp.SpanContext.TraceID() == traceID && sp.SpanKind == trace.SpanKindServer && sp.Parent.SpanID().String() != "00f067aa0ba902b7" {
			t.Errorf("the HTTP span's parent is %s, want the caller's span", sp.Parent.SpanID())
		}
	}
}

// readmeSeries is every series name the README's metrics table lists.
func readmeSeries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "### Metrics")
	if !ok {
		t.Fatal("README has no ### Metrics section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var names []string
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile("`(ponte_[a-z_]+)`").FindAllStringSubmatch(section, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	if len(names) < 10 {
		t.Fatalf("README's metrics section names %d series", len(names))
	}
	return names
}

// TestMetricsHaveTheSeriesTheREADMENames: after a request and a job, /metrics parses with the
// Prometheus text parser and has every series the README lists.
func TestMetricsHaveTheSeriesTheREADMENames(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_SANDBOX_RAIL_DELAY": "50ms", testClock: businessHours})
	tok := tenantToken(t, s)
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[7].Raw)
	deposit(t, s, tok, own, "100.00", "metrics-funds")
	var p paymentPayload
	gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "237", branchCode: "1", accountCode: "99-1", name: "Fornecedor", document: "11222333000181"}, amount: "1.00", idempotencyKey: "metrics"}) { `+paymentFields+` } }`,
		map[string]any{"a": own}).decode(t, "createTedTransfer", &p)
	waitStatus(t, s, tok, p.Payment.ID, "FINISHED") // executed in a batch; the rail's answer is a job
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var settled int64
		if err := s.db.Raw(`SELECT count(*) FROM river_job WHERE kind = 'payment_settle' AND state = 'completed'`).Scan(&settled).Error; err != nil {
			t.Fatal(err)
		}
		if settled > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the TED's settlement job did not run within a minute")
		}
	}

	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	for _, name := range readmeSeries(t) {
		if f, ok := families[name]; !ok || len(f.GetMetric()) == 0 {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// The GraphQL requests above are counted under their route and status.
	found := false
	for _, m := range families["ponte_http_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["route"] == "/graphql" && labels["status"] == "200" && m.GetCounter().GetValue() > 0 {
			found = true
		}
	}
	if !found {
		t.Error("ponte_http_requests_total counts no /graphql request answered 200")
	}
}

// logLines are a server's JSON log lines.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

// TestEveryLogLineOfARequestNamesIt: an operator's key rotation writes a line of its own and the
// request's access line, both with the request id and the caller; a tenant's request's access line
// names the tenant, the operation, its cost and status.
func TestEveryLogLineOfARequestNamesIt(t *testing.T) {
	t.Parallel()
	s := startObservedServer(t, nil)
	rotation := "obs-rotate-" + randomString(t)[:12]
	postGraphQL(t, s.testServer, operatorToken(t, s.testServer), `mutation Rotate { rotateWebhookSigningKey { key { kid } } }`, nil,
		map[string]string{"X-Request-Id": rotation})
	query := "obs-query-" + randomString(t)[:12]
	postGraphQL(t, s.testServer, tenantToken(t, s.testServer), `query Me { viewer { kind } }`, nil, map[string]string{"X-Request-Id": query})

	var rotated, rotateAccess, queryAccess map[string]any
	deadline := time.Now().Add(10 * time.Second) // the access line is written once the response is sent
	for rotateAccess == nil || queryAccess == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no access lines for the requests in:\n%s", s.log.String())
		}
		time.Sleep(10 * time.Millisecond)
		for _, l := range logLines(t, s.log.String()) {
			switch {
			case l["msg"] == "webhooks: signing key rotated":
				rotated = l
			case l["msg"] == "request" && l["request_id"] == rotation:
				rotateAccess = l
			case l["msg"] == "request" && l["request_id"] == query:
				queryAccess = l
			}
		}
	}
	if rotated == nil || rotated["request_id"] != rotation || !strings.HasPrefix(fmt.Sprint(rotated["caller"]), "operator:") {
		t.Errorf("the rotation's own line does not name its request and caller: %v", rotated)
	}
	if rotateAccess["operation"] != "Rotate" || rotateAccess["status"] != float64(200) || rotateAccess["method"] != "POST" || rotateAccess["path"] != "/graphql" {
		t.Errorf("rotation's access line: %v", rotateAccess)
	}
	if queryAccess["tenant"] != "demo-erp" || queryAccess["operation"] != "Me" || queryAccess["cost"] != float64(2) ||
		queryAccess["caller"] != "tenant:demo-erp" || queryAccess["duration_ms"] == nil {
		t.Errorf("the tenant's access line: %v", queryAccess)
	}
	// Every line that mentions either request carries its id.
	for _, l := range logLines(t, s.log.String()) {
		raw, _ := json.Marshal(l)
		if (bytes.Contains(raw, []byte(rotation)) || bytes.Contains(raw, []byte("signing key rotated"))) && l["request_id"] != rotation {
			t.Errorf("a line of the rotation lacks its request id: %s", raw)
		}
	}
}

// TestShutdownFailsReadinessFirstAndSubscriptionsReconnect: on shutdown /readyz answers 503 while
// requests are still served (the drain grace), then an open subscription's socket closes with
// 1012 (Service Restart), which clients retry, not with a normal close or complete.
func TestShutdownFailsReadinessFirstAndSubscriptionsReconnect(t *testing.T) {
	t.Parallel()
	s := startObservedServer(t, map[string]string{"PONTE_DRAIN_GRACE": "2s"})
	tok := tenantToken(t, s.testServer)
	requestConsent(t, s.testServer, tok, map[string]any{"accountId": demoAccountID(t, s.testServer), "scopes": []string{"ACCOUNTS_READ"}}) // an event to replay
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws := openWSStream(t, ctx, s.testServer, tok, consentStreamQuery, map[string]any{})
	sse := openSSEStream(t, ctx, s.testServer, tok, consentStreamQuery, map[string]any{})
	if r, err := http.Get(s.URL + "/readyz"); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("not ready before the shutdown: %v %v", r, err)
	}

	s.stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := http.Get(s.URL + "/readyz")
		if err != nil {
			t.Fatalf("the listener closed before /readyz failed: %v", err)
		}
		r.Body.Close()
		if r.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still answers %d after the shutdown began", r.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Requests are still served while load balancers notice.
	if r := gql(t, s.testServer, tok, `{ viewer { kind } }`, nil); len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("a request during the drain: HTTP %d %+v", r.Status, r.Errors)
	}
	end := ended(t, ctx, "the WebSocket", ws.end)
	if end.code != websocket.StatusCode(auth.CloseServiceRestart) {
		t.Fatalf("the subscription ended with close code %d and error %q, want %d", end.code, end.error, auth.CloseServiceRestart)
	}
	if end := ended(t, ctx, "the SSE stream", sse.end); end.error != "SERVICE_UNAVAILABLE" {
		t.Fatalf("the SSE stream ended with error %q, want SERVICE_UNAVAILABLE", end.error)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		s.done <- nil // for the cleanup
	case <-ctx.Done():
		t.Fatal("the server did not stop")
	}
}

// TestMetricsOnTheirOwnPort: with PONTE_METRICS_ADDR, /metrics and Go's profiles are served
// there and not on the public port.
func TestMetricsOnTheirOwnPort(t *testing.T) {
	t.Parallel()
	admin := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s := startObservedServer(t, map[string]string{"PONTE_METRICS_ADDR": admin})
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil || families["ponte_db_pool_max_connections"] == nil {
		t.Fatalf("the admin port's /metrics: %v, %d families", err, len(families))
	}
	resp, err = http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the public port's /metrics answered %d", resp.StatusCode)
	}
	// Go's profiles, the same: on the admin port only.
	for base, want := range map[string]int{"http://" + admin: http.StatusOK, s.URL: http.StatusNotFound} {
		resp, err := http.Get(base + "/debug/pprof/goroutine?debug=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s/debug/pprof/goroutine answered %d, want %d", base, resp.StatusCode, want)
		}
	}
}
