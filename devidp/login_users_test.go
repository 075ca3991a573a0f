package devidp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/devidp"
)

// TestLoginPageListsDemoPeopleOnlyWhenAsked: the development provider's login form names the
// demo people and their passwords (Config.ShowUsers, set by devidp.Development only); a provider
// configured otherwise shows the form alone. Both speak Portuguese and English.
func TestLoginPageListsDemoPeopleOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	for _, show := range []bool{true, false} {
		i := startWith(t, func(c *devidp.Config) { c.ShowUsers = show })
		f := i.newHolderFlow(t)
		p := fetch(t, f.browser, http.MethodGet, f.authURL(), nil)
		loginForm(t, p)
		if !strings.Contains(p.body, "Senha · Password") || !strings.Contains(p.body, "Entrar · Sign in") {
			t.Fatalf("the login page is not in Portuguese and English:\n%s", p.body)
		}
		listed := strings.Contains(p.body, `id="demo-users"`) &&
			strings.Contains(p.body, "<code>"+devidp.DemoHolderUsername+"</code> / <code>"+devidp.DemoHolderPassword+"</code>") &&
			strings.Contains(p.body, "<code>"+devidp.DemoOtherUsername+"</code>")
		if listed != show {
			t.Fatalf("ShowUsers=%v, demo people listed: %v\n%s", show, listed, p.body)
		}
		if !show && strings.Contains(p.body, "demo-users") {
			t.Fatalf("the credentials block is on a provider that does not show them:\n%s", p.body)
		}
	}
}
