package ide_test

import (
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/ide"
)

// TestDevelopmentBarAndCallbackPage: with Dev set the bar has one button per demo client and
// the holder login, and the tabs reach the page; without it, none of them; the callback path
// serves a page that loads only ide.js (no GraphiQL), which hands the code back and closes.
func TestDevelopmentBarAndCallbackPage(t *testing.T) {
	dev := &ide.Dev{TokenEndpoint: "/idp/oauth/token", AuthorizeEndpoint: "http://localhost:8080/idp/authorize",
		Clients:        []ide.DemoClient{{ID: "demo-erp", Secret: "s1", Label: "demo-erp"}, {ID: "demo-operator", Secret: "s2", Label: "demo-operator"}},
		HolderClientID: "ponte-ide", RedirectURI: "http://localhost:8080" + ide.CallbackPath, HolderScopes: "openid"}
	h := ide.New(ide.Config{Dev: dev, Tabs: []ide.Tab{{Query: "query One { viewer { kind } }"}, {Query: "query Two { viewer { kind } }"}}})

	page := body(t, get(t, h, "/"))
	for _, want := range []string{`data-client="demo-erp"`, `data-client="demo-operator"`, `id="ponte-ide-holder-login"`, `query Two`, `tokenEndpoint`} {
		if !strings.Contains(page, want) {
			t.Errorf("the development page lacks %s", want)
		}
	}

	plain := body(t, get(t, ide.New(ide.Config{}), "/"))
	for _, unwanted := range []string{"ponte-ide-demo", "ponte-ide-holder-login", "tokenEndpoint"} {
		if strings.Contains(plain, unwanted) {
			t.Errorf("a page without Dev shows %s", unwanted)
		}
	}

	callback := body(t, get(t, h, ide.CallbackPath+"?code=abc&state=xyz"))
	if !strings.Contains(callback, "data-ponte-ide-callback") || !strings.Contains(callback, "ide.js") {
		t.Errorf("the callback page does not run ide.js in callback mode:\n%s", callback)
	}
	if strings.Contains(callback, "graphiql.min.js") || strings.Contains(callback, "ponte-ide-token") {
		t.Errorf("the callback page loads the IDE:\n%s", callback)
	}
}
