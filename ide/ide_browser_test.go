package ide_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/coder/websocket"

	"github.com/ponte-bff/ponte/ide"
	"github.com/ponte-bff/ponte/internal/browsertest"
)

// fixture is a stand-in GraphQL endpoint: every POST gets the same viewer,
// and a subscription over graphql-transport-ws gets one event. It records
// the Authorization header of each POST and each connection_init payload.
type fixture struct {
	mu       sync.Mutex
	posts    []post
	wsInits  []map[string]any
	wsErrors []string
}

type post struct {
	Query         string
	Authorization string
}

func (f *fixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" {
		f.serveWebSocket(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var req struct {
		Query string `json:"query"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.posts = append(f.posts, post{Query: req.Query, Authorization: r.Header.Get("Authorization")})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(req.Query, "__schema") {
		// GraphiQL loads the schema first; a valid one lets it tell a
		// subscription from a query.
		w.Write([]byte(introspection))
		return
	}
	w.Write([]byte(`{"data":{"viewer":{"kind":"TENANT"}}}`))
}

// introspection is the introspection result of
//
//	type Query { viewer: Viewer! }
//	type Viewer { kind: String! }
//	type Subscription { tick: String! }
const introspection = `{"data":{"__schema":{
  "queryType":{"name":"Query"},"mutationType":null,"subscriptionType":{"name":"Subscription"},
  "directives":[],
  "types":[
    {"kind":"OBJECT","name":"Query","description":null,"interfaces":[],"inputFields":null,"enumValues":null,"possibleTypes":null,
     "fields":[{"name":"viewer","description":"The caller.","args":[],"isDeprecated":false,"deprecationReason":null,
       "type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"OBJECT","name":"Viewer","ofType":null}}}]},
    {"kind":"OBJECT","name":"Viewer","description":null,"interfaces":[],"inputFields":null,"enumValues":null,"possibleTypes":null,
     "fields":[{"name":"kind","description":null,"args":[],"isDeprecated":false,"deprecationReason":null,
       "type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"String","ofType":null}}}]},
    {"kind":"OBJECT","name":"Subscription","description":null,"interfaces":[],"inputFields":null,"enumValues":null,"possibleTypes":null,
     "fields":[{"name":"tick","description":null,"args":[],"isDeprecated":false,"deprecationReason":null,
       "type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"String","ofType":null}}}]},
    {"kind":"SCALAR","name":"String","description":null,"fields":null,"interfaces":null,"inputFields":null,"enumValues":null,"possibleTypes":null},
    {"kind":"SCALAR","name":"Boolean","description":null,"fields":null,"interfaces":null,"inputFields":null,"enumValues":null,"possibleTypes":null}
  ]}}}`

func (f *fixture) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	fail := func(msg string) {
		f.mu.Lock()
		f.wsErrors = append(f.wsErrors, msg)
		f.mu.Unlock()
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		fail("accept: " + err.Error())
		return
	}
	defer c.CloseNow()
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	read := func() map[string]any {
		_, b, err := c.Read(ctx)
		if err != nil {
			fail("read: " + err.Error())
			return nil
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			fail("decode: " + err.Error())
		}
		return m
	}
	write := func(s string) { c.Write(ctx, websocket.MessageText, []byte(s)) }

	init := read()
	if init == nil || init["type"] != "connection_init" {
		fail("first message is not connection_init")
		return
	}
	payload, _ := init["payload"].(map[string]any)
	f.mu.Lock()
	f.wsInits = append(f.wsInits, payload)
	f.mu.Unlock()
	write(`{"type":"connection_ack"}`)

	sub := read()
	if sub == nil || sub["type"] != "subscribe" {
		fail("second message is not subscribe")
		return
	}
	id, _ := json.Marshal(sub["id"])
	write(`{"type":"next","id":` + string(id) + `,"payload":{"data":{"tick":"TENANT-OVER-WS"}}}`)
	write(`{"type":"complete","id":` + string(id) + `}`)
	// Wait for the client to close.
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
	}
}

// pageProblems collects what the page reports as going wrong: CSP
// violations (from an event listener added before the page's scripts),
// uncaught exceptions and browser log errors.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

const cspProbe = `document.addEventListener('securitypolicyviolation', function (e) {
  (window.__cspViolations = window.__cspViolations || []).push(
    e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`

func watchPage(t *testing.T, ctx context.Context) *pageProblems {
	t.Helper()
	p := &pageProblems{}
	err := chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			p.list = append(p.list, "exception: "+text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				p.list = append(p.list, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.list = append(p.list, "console.error: "+strings.Join(parts, " "))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		t.Fatal(err)
	}
	return p
}

// check reports the problems of the current document and those collected
// so far, and starts a new collection.
func (p *pageProblems) check(t *testing.T, ctx context.Context) {
	t.Helper()
	violations := browsertest.Run(t, ctx, "read CSP violations", chromedp.Evaluate[[]string](`window.__cspViolations || []`))
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range violations {
		t.Errorf("CSP violation: %s", v)
	}
	for _, s := range p.list {
		t.Errorf("page problem: %s", s)
	}
	p.list = nil
}

// setQuery replaces the text of GraphiQL's query editor (CodeMirror 5) and
// waits until GraphiQL has parsed it: it parses edits after a short delay,
// and tells a subscription from a query by the parsed document.
func setQuery(q string) chromedp.Action[chromedp.Void] {
	b, _ := json.Marshal(q)
	set := chromedp.Evaluate[chromedp.Void](`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(` + string(b) + `)`)
	parsed := chromedp.Poll[bool](`(function () {
  var cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
  return !!cm.documentAST && cm.documentAST.loc.source.body === ` + string(b) + `;
})()`)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := set(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		_, err := parsed(ctx, t)
		return chromedp.Void{}, err
	}
}

// waitResult waits until GraphiQL's result pane shows want.
func waitResult(want string) chromedp.Action[chromedp.Void] {
	b, _ := json.Marshal(want)
	poll := chromedp.Poll[bool](`(document.querySelector('.result-window') || {textContent: ''}).textContent.includes(` + string(b) + `)`)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := poll(ctx, t)
		return chromedp.Void{}, err
	}
}

func TestIDEInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	ctx := browsertest.New(t)

	gql := &fixture{}
	h := ide.New(ide.Config{Title: "Ponte test", Endpoint: "/graphql"})
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", h)
	mux.Handle("GET /playground", h)
	mux.Handle(ide.AssetsPath, h)
	mux.Handle("/graphql", gql)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	reqs := browsertest.RecordRequests(t, ctx)
	problems := watchPage(t, ctx)
	const token = "test-token-4f1c.9b2e"

	browsertest.Do(t, ctx, "load the IDE",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.WaitVisible(chromedp.ID("ponte-ide-token")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
	)
	label := browsertest.Run(t, ctx, "read the token label", chromedp.Text(chromedp.CSS(`label[for="ponte-ide-token"]`)))
	if label != "Bearer token" {
		t.Errorf("token label %q", label)
	}
	editor := browsertest.Run(t, ctx, "read the editor", chromedp.Evaluate[string](
		`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`))
	if editor != ide.DefaultQuery {
		t.Errorf("editor shows %q, want ide.DefaultQuery", editor)
	}

	t.Run("QueryOverHTTPWithToken", func(t *testing.T) {
		browsertest.Do(t, ctx, "type the token and run the query",
			chromedp.SendKeys(chromedp.ID("ponte-ide-token"), token),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			waitResult("TENANT"),
		)
		gql.mu.Lock()
		defer gql.mu.Unlock()
		var found bool
		for _, p := range gql.posts {
			if strings.Contains(p.Query, "viewer") && !strings.Contains(p.Query, "__schema") {
				found = true
				if p.Authorization != "Bearer "+token {
					t.Errorf("viewer query sent Authorization %q, want %q", p.Authorization, "Bearer "+token)
				}
			}
		}
		if !found {
			t.Errorf("the endpoint got no viewer query; got %d POSTs", len(gql.posts))
		}
	})

	if err := os.WriteFile("/tmp/ide.png", browsertest.Run(t, ctx, "screenshot", chromedp.CaptureScreenshot()), 0o644); err != nil {
		t.Logf("writing /tmp/ide.png: %v", err)
	}

	t.Run("SubscriptionOverWebSocketWithToken", func(t *testing.T) {
		browsertest.Do(t, ctx, "run a subscription",
			setQuery("subscription { tick }"),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			waitResult("TENANT-OVER-WS"),
		)
		gql.mu.Lock()
		defer gql.mu.Unlock()
		for _, e := range gql.wsErrors {
			t.Errorf("websocket fixture: %s", e)
		}
		if len(gql.wsInits) == 0 {
			t.Fatal("no connection_init reached the endpoint")
		}
		if got := gql.wsInits[len(gql.wsInits)-1]["Authorization"]; got != "Bearer "+token {
			t.Errorf("connection_init payload %v, want Authorization %q", gql.wsInits[len(gql.wsInits)-1], "Bearer "+token)
		}
	})

	t.Run("DialogsNeedNoUnsafeInline", func(t *testing.T) {
		// A Radix dialog inserts a <style> element, allowed by the nonce.
		browsertest.Do(t, ctx, "open and close the settings dialog",
			chromedp.Click(chromedp.CSS(`button[aria-label="Open settings dialog"]`)),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-dialog")),
			chromedp.KeyEvent(kb.Escape),
			chromedp.WaitNotPresent(chromedp.CSS(".graphiql-dialog")),
		)
	})
	problems.check(t, ctx)

	t.Run("TokenIsKeptAcrossReloads", func(t *testing.T) {
		browsertest.Do(t, ctx, "load /playground",
			chromedp.Navigate(srv.URL+"/playground"),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		)
		got := browsertest.Run(t, ctx, "read the token", chromedp.Value(chromedp.ID("ponte-ide-token")))
		if got != token {
			t.Errorf("token box shows %q after reload, want %q", got, token)
		}
	})

	problems.check(t, ctx)
	if out := reqs.OtherHosts(srv.Listener.Addr().String()); len(out) > 0 {
		t.Errorf("the page made requests to other hosts: %q", out)
	}
	if len(reqs.URLs()) < 7 {
		t.Errorf("recorded only %d requests: %q", len(reqs.URLs()), reqs.URLs())
	}
}
