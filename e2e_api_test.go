package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/internal/browsertest"
	"github.com/ponte-bff/ponte/internal/nulinputs"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// TestGraphiQLRunsAQueryAgainstTheRunningServer loads the IDE from the real server in headless
// Chromium, with every host but loopback unreachable, pastes a demo token and runs a query.
func TestGraphiQLRunsAQueryAgainstTheRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	ctx := browsertest.New(t)
	reqs := browsertest.RecordRequests(t, ctx)

	query, _ := json.Marshal(`{ viewer { kind tenant { name } } }`)
	browsertest.Do(t, ctx, "load the IDE and run a query",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.SendKeys(chromedp.ID("ponte-ide-token"), tok),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+string(query)+`)`),
		void(chromedp.Poll[bool](`(function () {
  var cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
  return !!cm.documentAST && cm.documentAST.loc.source.body === `+string(query)+`;
})()`)),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		void(chromedp.Poll[bool](`(document.querySelector('.result-window') || {textContent: ''}).textContent.includes('Demo ERP')`)),
	)
	// The schema loaded too (anonymous introspection, then with the token): the docs know Account.
	hasDocs := browsertest.Run(t, ctx, "open the docs", chromedp.Evaluate[bool](`(function () {
  var cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
  return !!(cm.options.lint && cm.options.lint.schema && cm.options.lint.schema.getType('Account'));
})()`))
	if !hasDocs {
		t.Error("GraphiQL has no schema with the Account type")
	}
	if others := reqs.NotLoopback(); len(others) > 0 {
		t.Errorf("the IDE reached beyond loopback: %v", others)
	}
}

// void turns an action with a result into one whose result is ignored, for browsertest.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialGraphQLWS(t *testing.T, ctx context.Context, s *testServer, token string) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: init}); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestTransports(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)

	t.Run("GET", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?query="+url.QueryEscape("{ viewer { kind } }"), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Data struct{ Viewer struct{ Kind string } }
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Data.Viewer.Kind != "TENANT" {
			t.Fatalf("GET: %v %+v", err, body)
		}
	})

	t.Run("WebSocketGraphQLTransportWS", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn := dialGraphQLWS(t, ctx, s, tok)
		var msg wsMessage
		if err := wsjson.Read(ctx, conn, &msg); err != nil || msg.Type != "connection_ack" {
			t.Fatalf("want connection_ack, got %+v %v", msg, err)
		}
		sub, _ := json.Marshal(map[string]string{"query": "{ viewer { kind clientId } }"})
		if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
			t.Fatal(err)
		}
		for {
			if err := wsjson.Read(ctx, conn, &msg); err != nil {
				t.Fatal(err)
			}
			if msg.Type == "next" {
				if !strings.Contains(string(msg.Payload), `"clientId":"demo-erp"`) {
					t.Fatalf("next payload %s", msg.Payload)
				}
				break
			}
			if msg.Type != "ping" && msg.Type != "pong" {
				t.Fatalf("unexpected %+v", msg)
			}
		}
		conn.Close(websocket.StatusNormalClosure, "")
	})

	t.Run("ErrWebSocketBadTokenCloses4403", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for bad, reason := range map[string]string{"": "UNAUTHENTICATED: MISSING", "garbage": "UNAUTHENTICATED: MALFORMED"} {
			conn := dialGraphQLWS(t, ctx, s, bad)
			var msg wsMessage
			err := wsjson.Read(ctx, conn, &msg)
			if code := websocket.CloseStatus(err); code != 4403 {
				t.Fatalf("token %q: close status %d (%v), msg %+v", bad, code, err, msg)
			}
			// The close reason says why, as extensions.reason does over HTTP.
			if ce := (websocket.CloseError{}); !errors.As(err, &ce) || ce.Reason != reason {
				t.Errorf("token %q: close %v, want reason %q", bad, err, reason)
			}
		}
	})

	t.Run("SSE", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { kind } }"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("content type %q", ct)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data:") && strings.Contains(line, `"kind":"TENANT"`) {
				return
			}
		}
		t.Fatalf("no data event with the result: %v", sc.Err())
	})
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"GRAPHQL_MAX_DEPTH": "4", "GRAPHQL_MAX_COMPLEXITY": "300", "HTTP_MAX_BODY_BYTES": "4096"})
	tok := tenantToken(t, s)

	t.Run("ErrTooDeep", func(t *testing.T) {
		r := gql(t, s, tok, `{ accounts { edges { node { bankAccount { institution { name } } } } } }`, nil)
		if r.code() != "DEPTH_LIMIT_EXCEEDED" {
			t.Fatalf("%+v", r.Errors)
		}
		if r := gql(t, s, tok, `{ accounts { nodes { bankAccount { accountCode } } } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("a query within the depth limit failed: %+v", r.Errors)
		}
	})

	t.Run("ErrTooComplex", func(t *testing.T) {
		r := gql(t, s, tok, `{ accounts(first: 100) { nodes { id name email document status createdAt } } }`, nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("%+v", r.Errors)
		}
	})

	t.Run("ErrTooLarge", func(t *testing.T) {
		big := `{ viewer { kind } } # ` + strings.Repeat("x", 5000)
		r := gql(t, s, tok, big, nil)
		if r.Status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
			t.Fatalf("HTTP %d %+v", r.Status, r.Errors)
		}
	})

	t.Run("ErrBadCursorAndNegativeFirst", func(t *testing.T) {
		for _, q := range []string{`{ accounts(after: "nope") { totalCount } }`, `{ accounts(first: -1) { totalCount } }`} {
			if r := gql(t, s, tok, q, nil); r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: %+v", q, r.Errors)
			}
		}
	})

	t.Run("NoInternalsLeak", func(t *testing.T) {
		r := gql(t, s, tok, `{ nope }`, nil)
		if r.code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("%+v", r.Errors)
		}
	})
}

// TestWebSocketClosesWith4401WhenTheTokenExpires: a subscription outlives its access token; the
// socket closes with 4401 so the client fetches a new token and reconnects.
func TestWebSocketClosesWith4401WhenTheTokenExpires(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_DEV_TOKEN_TTL": "2s"})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn := dialGraphQLWS(t, ctx, s, tenantToken(t, s))
	var msg wsMessage
	if err := wsjson.Read(ctx, conn, &msg); err != nil || msg.Type != "connection_ack" {
		t.Fatalf("ack: %+v %v", msg, err)
	}
	sub, _ := json.Marshal(map[string]string{"query": "subscription { paymentStatusChanged { status } }"})
	if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		err := wsjson.Read(ctx, conn, &msg)
		if err == nil {
			continue // pings
		}
		if code := websocket.CloseStatus(err); code != 4401 {
			t.Fatalf("closed with %d (%v), want 4401", code, err)
		}
		break
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("closed after %s, the token lived 2s", d)
	}
}

// TestBadRequestsNeverGet500: malformed bodies, wrong methods and types, hostile variables and
// foreign IDs each get a 4xx or a coded GraphQL error, never a 500 or a stack trace.
func TestBadRequestsNeverGet500(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	cases := []struct {
		name, method, contentType, body, query string
	}{
		{"MalformedJSON", "POST", "application/json", `{"query": "{ viewer { kind } }"`, ""},
		{"NotJSON", "POST", "application/json", `hello`, ""},
		{"WrongContentType", "POST", "text/plain", `{ viewer { kind } }`, ""},
		{"EmptyQuery", "POST", "application/json", `{"query": ""}`, ""},
		{"MutationOverGET", "GET", "", "", "query=" + "mutation%20%7B%20createAccount(input%3A%20%7Bname%3A%22a%22%2C%20email%3A%22a%40b.co%22%2C%20document%3A%2224843803480%22%7D)%20%7B%20userErrors%20%7B%20code%20%7D%20%7D%20%7D"},
		{"VariablesOfTheWrongType", "POST", "application/json", `{"query": "query($id: ID!) { account(id: $id) { id } }", "variables": {"id": {"nested": true}}}`, ""},
		{"ForeignGlobalID", "POST", "application/json", `{"query": "{ node(id: \"eyJhbGciOiJub25lIn0\") { id } }"}`, ""},
		{"HugeFirst", "POST", "application/json", `{"query": "{ accounts(first: 2147483647) { totalCount } }"}`, ""},
		{"IntOverflow", "POST", "application/json", `{"query": "{ accounts(first: 99999999999999999999) { totalCount } }"}`, ""},
		{"DecimalOverflow", "POST", "application/json", `{"query": "mutation { sandboxDeposit(input: {accountId: \"x\", amount: \"999999999999999999999.99\", idempotencyKey: \"k\"}) { userErrors { code } } }"}`, ""},
		{"BadDate", "POST", "application/json", `{"query": "{ schedulingCalendar(kind: TED, from: \"2026-02-30\", to: \"2026-13-01\") { executionLimitDate } }"}`, ""},
		{"BackwardsCalendar", "POST", "application/json", `{"query": "{ schedulingCalendar(kind: TED, from: \"2026-12-01\", to: \"2026-01-01\") { executionLimitDate } }"}`, ""},
		{"UnknownOperationName", "POST", "application/json", `{"query": "query A { viewer { kind } }", "operationName": "B"}`, ""},
		{"BadEnumVariable", "POST", "application/json", `{"query": "query($k: PaymentKind!) { schedulingCalendar(kind: $k, from: \"2026-01-01\", to: \"2026-01-02\") { executionLimitDate } }", "variables": {"k": "NOPE"}}`, ""},
		{"NullInList", "POST", "application/json", `{"query": "mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { userErrors { code } } }", "variables": {"ids": [null]}}`, ""},
		{"DeepFragments", "POST", "application/json", `{"query": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}`, ""},
		{"DecimalAsNumber", "POST", "application/json", `{"query": "mutation($a: Decimal!) { createLimitPlan(input: {name: \"x\", daily: $a, monthly: $a}) { userErrors { code } } }", "variables": {"a": 10.5}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := s.URL + "/graphql"
			if c.query != "" {
				u += "?" + c.query
			}
			req, _ := http.NewRequest(c.method, u, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+tok)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 || strings.Contains(string(body), `"INTERNAL"`) || strings.Contains(string(body), "goroutine") || strings.Contains(string(body), "SQLSTATE") {
				t.Fatalf("HTTP %d: %s", resp.StatusCode, body)
			}
			if resp.StatusCode == 200 && !strings.Contains(string(body), `"code"`) && !strings.Contains(string(body), `"data"`) {
				t.Fatalf("neither data nor a coded error: %s", body)
			}
		})
	}

	// A NUL character in any string input, which PostgreSQL refuses in text: every argument and
	// input field of type String of every root field (generated from the schema, so a new one is
	// covered), and the string arguments of nested fields. Mutations with userErrors answer a
	// userError INVALID at the input's path; other fields BAD_USER_INPUT with that path.
	nul := nulinputs.Cases(graph.NewExecutableSchema(graph.Config{}).Schema())
	nul = append(nul,
		nulinputs.Case{Name: "Account.statement(after)", Operation: "query", Path: []string{"after"},
			Query: `query($a: String) { accounts(first: 1) { nodes { statement(after: $a) { pageInfo { hasNextPage } } } } }`, Variables: map[string]any{"a": nulinputs.NUL}},
		nulinputs.Case{Name: "Account.payments(after)", Operation: "query", Path: []string{"after"},
			Query: `query($a: String) { accounts(first: 1) { nodes { payments(after: $a) { pageInfo { hasNextPage } } } } }`, Variables: map[string]any{"a": nulinputs.NUL}},
		nulinputs.Case{Name: "literal", Operation: "mutation", Field: "createLimitPlan", UserErrors: true, Path: []string{"input", "name"},
			Query: `mutation { createLimitPlan(input: {name: "a\u0000b", daily: "1.00", monthly: "2.00"}) { userErrors { field code message } } }`},
	)
	operator := operatorToken(t, s) // reads every account: the nested fields resolve
	for _, c := range nul {
		t.Run("NUL/"+c.Name, func(t *testing.T) {
			var r gqlResponse
			switch {
			case c.Operation == "subscription":
				r = firstSSEResponse(t, s, tok, c.Query, c.Variables)
			case strings.HasPrefix(c.Name, "Account."):
				r = gql(t, s, operator, c.Query, c.Variables)
			default:
				r = gql(t, s, tok, c.Query, c.Variables)
			}
			if r.Status >= 500 || r.code() == "INTERNAL" {
				t.Fatalf("HTTP %d %+v", r.Status, r.Errors)
			}
			if c.UserErrors {
				var payload struct {
					UserErrors []struct {
						Field []string
						Code  string
					}
				}
				r.decode(t, c.Field, &payload)
				if len(payload.UserErrors) != 1 || payload.UserErrors[0].Code != "INVALID" || !slices.Equal(payload.UserErrors[0].Field, c.Path) {
					t.Fatalf("userErrors %+v, want INVALID at %v", payload.UserErrors, c.Path)
				}
				return
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no error: %s", r.Data)
			}
			field, _ := json.Marshal(r.Errors[0].Extensions["field"])
			want, _ := json.Marshal(c.Path)
			if r.code() != "BAD_USER_INPUT" || string(field) != string(want) {
				t.Fatalf("%+v, want BAD_USER_INPUT at %s", r.Errors, want)
			}
		})
	}
}

// nestedFragmentQuery is the probe's denial of service: n fragments that each spread the next
// twice, about 1 KB at 25 levels, selecting viewer 2^n times once expanded.
func nestedFragmentQuery(n int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { viewer { kind } }\n", n)
	return b.String()
}

// TestNestedFragmentsAreRefusedBeforeAnyWalk: the nested-fragment query is refused for size
// before validation, complexity or depth walk its expansion, while an ordinary request made at
// the same time answers normally. The refusal took ~22 s at 25 levels and doubled per level; the
// elapsed times are logged (run with -v), and only bounded far above them so the test cannot be
// flaky on a loaded machine; the guard's own work bound is asserted in apiguard.
func TestNestedFragmentsAreRefusedBeforeAnyWalk(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	for _, n := range []int{25, 30} {
		normal := make(chan gqlResponse, 1)
		go func() { normal <- gql(t, s, tok, `{ viewer { kind clientId } }`, nil) }()
		start := time.Now()
		r := gql(t, s, tok, nestedFragmentQuery(n), nil)
		elapsed := time.Since(start)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("%d levels: HTTP %d %+v", n, r.Status, r.Errors)
		}
		t.Logf("%d levels (%d bytes): refused in %s", n, len(nestedFragmentQuery(n)), elapsed)
		if elapsed > 5*time.Second {
			t.Errorf("%d levels: refused after %s", n, elapsed)
		}
		if ok := <-normal; len(ok.Errors) > 0 || !strings.Contains(string(ok.Data["viewer"]), `"TENANT"`) {
			t.Fatalf("the ordinary request beside it: %+v %s", ok.Errors, ok.Data["viewer"])
		}
	}
	// Anonymous too, where the IDE may read the schema without a token: 9 fragments that each
	// spread the next 10 times (10^9 once expanded) of __typename only. The check that lets it in
	// without a token reads each fragment once, then the size limit refuses it.
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range 9 {
		fmt.Fprintf(&b, "fragment F%d on Query {%s }\n", i, strings.Repeat(fmt.Sprintf(" ...F%d", i+1), 10))
	}
	b.WriteString("fragment F9 on Query { __typename }\n")
	if r := gql(t, s, "", b.String(), nil); r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("anonymous nested introspection: HTTP %d %+v", r.Status, r.Errors)
	}
}

// TestSubscriptionOverPlainPOSTIsRefused: POST and GET answer once, so a subscription sent over
// them would wait for its first event; it is refused at once with a coded error: a request error,
// so HTTP 200 with application/json (GraphQL over HTTP).
func TestSubscriptionOverPlainPOSTIsRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	r := gql(t, s, tok, `subscription { paymentStatusChanged { status } }`, nil)
	if r.code() != "SUBSCRIPTION_REQUIRES_STREAM" || r.Status != http.StatusOK || r.Data != nil {
		t.Fatalf("POST: HTTP %d %+v", r.Status, r.Errors)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?query="+url.QueryEscape("subscription { paymentStatusChanged { status } }"), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 || !strings.Contains(string(body), `"code"`) {
		t.Fatalf("GET: HTTP %d %s", resp.StatusCode, body)
	}
}

// dbProxy forwards TCP connections to PostgreSQL until cut, which closes its listener and every
// connection: the database becomes unreachable for the server behind it.
type dbProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{ln: ln}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *dbProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseOutageSaysDatabaseUnavailable: with PostgreSQL unreachable, GraphQL answers
// SERVICE_UNAVAILABLE "database unavailable" (not "the identity provider cannot be reached"),
// for a tenant whose token needs its registration read and for a resolver's own query, and the
// anonymous /readyz says the same; neither names the database's user, name or host.
func TestDatabaseOutageSaysDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	dsn, err := url.Parse(testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newDBProxy(t, dsn.Host)
	dbName := strings.TrimPrefix(dsn.Path, "/")
	dsn.Host = proxy.ln.Addr().String()
	s := startServer(t, map[string]string{"DATABASE_URL": dsn.String(), "PONTE_SWEEP_INTERVAL": "0s"})
	tenant, operator := tenantToken(t, s), operatorToken(t, s)
	if r := gql(t, s, tenant, `{ viewer { kind } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("before the outage: %+v", r.Errors)
	}

	proxy.cut()
	leaks := []string{"user=", dbName, dsn.Host, "postgres", "127.0.0.1", "SQLSTATE", "identity provider"}
	noLeak := func(what, body string) {
		t.Helper()
		for _, l := range leaks {
			if strings.Contains(body, l) {
				t.Errorf("%s shows %q: %s", what, l, body)
			}
		}
	}
	// Twice: first on the pool's broken connections, then on connections that cannot be opened.
	for round := range 2 {
		for _, c := range []struct{ name, token, query string }{
			{"TenantAuthentication", tenant, `{ viewer { kind } }`},
			{"Resolver", operator, `{ accounts(first: 1) { totalCount } }`},
		} {
			r := gql(t, s, c.token, c.query, nil)
			if r.code() != "SERVICE_UNAVAILABLE" || !strings.Contains(r.Errors[0].Message, "database unavailable") {
				t.Fatalf("%s, round %d: HTTP %d %+v", c.name, round, r.Status, r.Errors)
			}
			raw, _ := json.Marshal(r.Errors)
			noLeak(c.name, string(raw))
		}
	}
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "database unavailable") {
		t.Fatalf("/readyz: HTTP %d %s", resp.StatusCode, body)
	}
	noLeak("/readyz", string(body))
}

// TestIDTokenIsRefusedAtTheAPI: an ID token whose audience is the API's (here Ponte's own login
// client, "ponte", is also the API audience) passes signature, issuer, audience and expiry; it is
// refused as UNAUTHENTICATED all the same, while the access token of the same login works.
func TestIDTokenIsRefusedAtTheAPI(t *testing.T) {
	t.Parallel()
	const secret = "test-login-client-secret"
	s := startServer(t, map[string]string{"OIDC_CLIENT_SECRET": secret})
	tokens := holderLogin(t, s, "ponte", secret, s.URL+"/consents/callback")
	if tokens.IDToken == "" {
		t.Fatal("the login returned no ID token")
	}
	if r := gql(t, s, tokens.AccessToken, `{ viewer { kind } }`, nil); len(r.Errors) > 0 || !strings.Contains(string(r.Data["viewer"]), "HOLDER") {
		t.Fatalf("access token: HTTP %d %+v %s", r.Status, r.Errors, r.Data["viewer"])
	}
	r := gql(t, s, tokens.IDToken, `{ viewer { kind } }`, nil)
	if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("ID token: HTTP %d %+v %s", r.Status, r.Errors, r.Data)
	}
	// And on a WebSocket: refused at connection_init.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := dialGraphQLWS(t, ctx, s, tokens.IDToken)
	var msg wsMessage
	if err := wsjson.Read(ctx, conn, &msg); websocket.CloseStatus(err) != 4403 {
		t.Fatalf("WebSocket with an ID token: %+v %v", msg, err)
	}
}
