package devidp_test

import (
	"net/http"
	"slices"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/ponte-bff/ponte/devidp"
)

func TestDiscovery(t *testing.T) {
	i := startDemo(t)
	req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, i.issuer+"/.well-known/openid-configuration", nil)
	d := doJSON(t, req)
	if d.status != http.StatusOK {
		t.Fatalf("discovery: %d", d.status)
	}
	list := func(key string) []string {
		var out []string
		for _, v := range d.body[key].([]any) {
			out = append(out, v.(string))
		}
		return out
	}

	t.Run("IssuerIsTheConfiguredOne", func(t *testing.T) {
		if got := d.str("issuer"); got != i.issuer {
			t.Fatalf("issuer %q, want %q", got, i.issuer)
		}
	})
	t.Run("EndpointsAreUnderTheIssuer", func(t *testing.T) {
		want := map[string]string{
			"authorization_endpoint": i.issuer + "/authorize",
			"token_endpoint":         i.issuer + "/oauth/token",
			"userinfo_endpoint":      i.issuer + "/userinfo",
			"jwks_uri":               i.issuer + "/keys",
		}
		for k, v := range want {
			if d.str(k) != v {
				t.Errorf("%s = %q, want %q", k, d.str(k), v)
			}
		}
		for _, k := range []string{"introspection_endpoint", "revocation_endpoint", "end_session_endpoint", "device_authorization_endpoint"} {
			if _, ok := d.body[k]; ok {
				t.Errorf("%s advertised but not offered", k)
			}
		}
	})
	t.Run("GrantTypesAreCodeAndClientCredentialsOnly", func(t *testing.T) {
		got := list("grant_types_supported")
		slices.Sort(got)
		if !slices.Equal(got, []string{"authorization_code", "client_credentials"}) {
			t.Fatalf("grant_types_supported = %v", got)
		}
	})
	t.Run("TokenEndpointAuthMethods", func(t *testing.T) {
		got := list("token_endpoint_auth_methods_supported")
		for _, m := range []string{"client_secret_basic", "client_secret_post", "private_key_jwt"} {
			if !slices.Contains(got, m) {
				t.Errorf("missing %s in %v", m, got)
			}
		}
		if algs := list("token_endpoint_auth_signing_alg_values_supported"); !slices.Equal(algs, []string{"RS256"}) {
			t.Errorf("token_endpoint_auth_signing_alg_values_supported = %v", algs)
		}
	})
	t.Run("CodeChallengeMethodIsS256Only", func(t *testing.T) {
		if got := list("code_challenge_methods_supported"); !slices.Equal(got, []string{"S256"}) {
			t.Fatalf("code_challenge_methods_supported = %v", got)
		}
	})
	t.Run("IDTokensAreSignedRS256", func(t *testing.T) {
		if got := list("id_token_signing_alg_values_supported"); !slices.Equal(got, []string{"RS256"}) {
			t.Fatalf("id_token_signing_alg_values_supported = %v", got)
		}
	})
	t.Run("ResponseTypeIsCodeOnly", func(t *testing.T) {
		if got := list("response_types_supported"); !slices.Equal(got, []string{"code"}) {
			t.Fatalf("response_types_supported = %v", got)
		}
	})
	t.Run("ScopesAndClaimsIncludeTheAPIOnes", func(t *testing.T) {
		scopes := list("scopes_supported")
		for _, s := range append([]string{"openid", "operator"}, devidp.DemoTenantScopes()...) {
			if !slices.Contains(scopes, s) {
				t.Errorf("scope %s not advertised", s)
			}
		}
		claims := list("claims_supported")
		for _, c := range []string{"document", "roles", "client_id", "azp", "scope"} {
			if !slices.Contains(claims, c) {
				t.Errorf("claim %s not advertised", c)
			}
		}
	})
}

func TestJWKS(t *testing.T) {
	i := startDemo(t)
	req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, i.issuer+"/keys", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := jsonDecode(resp, &set); err != nil {
		t.Fatal(err)
	}

	t.Run("ServesOnePublicRSASigningKey", func(t *testing.T) {
		if resp.StatusCode != http.StatusOK || len(set.Keys) != 1 {
			t.Fatalf("status %d, %d keys", resp.StatusCode, len(set.Keys))
		}
		k := set.Keys[0]
		if k.KeyID == "" || k.Use != "sig" || k.Algorithm != "RS256" || !k.IsPublic() || !k.Valid() {
			t.Fatalf("key: kid=%q use=%q alg=%q public=%v", k.KeyID, k.Use, k.Algorithm, k.IsPublic())
		}
	})
}
