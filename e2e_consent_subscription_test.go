package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// TestConsentStatusChangedSubscription: an ERP subscribed over WebSocket sees its consent move
// to AUTHORISED when the holder approves, and the other tenant's subscription sees nothing.
func TestConsentStatusChangedSubscription(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	subscribe := func(token string) *websocket.Conn {
		conn := dialGraphQLWS(t, ctx, s, token)
		var ack wsMessage
		if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
			t.Fatalf("ack: %+v %v", ack, err)
		}
		q, _ := json.Marshal(map[string]string{"query": `subscription { consentStatusChanged { consent { id } previousStatus status } }`})
		if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: q}); err != nil {
			t.Fatal(err)
		}
		return conn
	}
	mine, others := subscribe(tok), subscribe(tenant2Token(t, s))
	time.Sleep(200 * time.Millisecond) // let both subscriptions register before the events

	p := requestConsent(t, s, tok, map[string]any{"accountId": demoAccountID(t, s), "scopes": []string{"ACCOUNTS_READ"}})
	b := newHolderBrowser(t)
	redirectResult(t, b.decide(s, b.journeyToConsentPage(*p.Consent.AuthorizationURL, "holder", "holder"), "approve"))

	var statuses []string
	for len(statuses) < 2 {
		var msg wsMessage
		if err := wsjson.Read(ctx, mine, &msg); err != nil {
			t.Fatalf("after %v: %v", statuses, err)
		}
		if msg.Type != "next" {
			continue
		}
		var body struct {
			Data struct {
				ConsentStatusChanged struct {
					Consent struct{ ID string }
					Status  string
				}
			}
		}
		_ = json.Unmarshal(msg.Payload, &body)
		ev := body.Data.ConsentStatusChanged
		if ev.Consent.ID != p.Consent.ID {
			t.Fatalf("event for another consent: %s", msg.Payload)
		}
		statuses = append(statuses, ev.Status)
	}
	if strings.Join(statuses, ",") != "AWAITING_AUTHORISATION,AUTHORISED" {
		t.Fatalf("statuses %v", statuses)
	}
	readCtx, cancelRead := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelRead()
	for {
		var msg wsMessage
		if err := wsjson.Read(readCtx, others, &msg); err != nil {
			break // nothing for the other tenant
		}
		if msg.Type == "next" {
			t.Fatalf("the other tenant saw %s", msg.Payload)
		}
	}
}
