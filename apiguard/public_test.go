package apiguard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/apiguard"
)

// TestIsPublic: a request without a token may run only queries whose every root field is public
// (verifyReceipt), or reads the schema when introspection is on; the body stays readable.
func TestIsPublic(t *testing.T) {
	post := func(query string) *http.Request {
		body, _ := json.Marshal(map[string]string{"query": query})
		return httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	}
	const verify = `{ verifyReceipt(authenticationCode: "x") { authentic } }`
	for _, c := range []struct {
		name          string
		r             *http.Request
		introspection bool
		want          bool
	}{
		{"PublicField", post(verify), false, true},
		{"PublicFieldThroughAFragment", post(`query { ...F } fragment F on Query { verifyReceipt(authenticationCode: "x") { authentic } }`), false, true},
		{"PublicFieldByGET", httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(verify), nil), false, true},
		{"PublicNextToAPrivateField", post(`{ verifyReceipt(authenticationCode: "x") { authentic } viewer { kind } }`), true, false},
		{"PrivateField", post(`{ viewer { kind } }`), true, false},
		{"AMutation", post(`mutation { verifyReceipt(authenticationCode: "x") { authentic } }`), true, false},
		{"IntrospectionWhenOn", post(`{ __schema { queryType { name } } }`), true, true},
		{"IntrospectionWhenOff", post(`{ __schema { queryType { name } } }`), false, false},
		{"NotGraphQL", post(`{`), true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := apiguard.IsPublic(1<<20, c.introspection, "verifyReceipt")(c.r); got != c.want {
				t.Fatalf("IsPublic = %v, want %v", got, c.want)
			}
			if c.r.Method == http.MethodPost {
				if b, _ := io.ReadAll(c.r.Body); !strings.Contains(string(b), "query") {
					t.Fatalf("the body was consumed: %q", b)
				}
			}
		})
	}
}
