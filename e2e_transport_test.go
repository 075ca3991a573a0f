package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

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
		for _, bad := range []string{"", "garbage"} {
			conn := dialGraphQLWS(t, ctx, s, bad)
			var msg wsMessage
			err := wsjson.Read(ctx, conn, &msg)
			if code := websocket.CloseStatus(err); code != 4403 {
				t.Fatalf("token %q: close status %d (%v), msg %+v", bad, code, err, msg)
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
