package auth

import (
	"encoding/base64"
	"testing"
)

func TestIDTokensAreToldFromAccessTokens(t *testing.T) {
	jwt := func(header string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(header)) + ".e30.sig"
	}
	plain, rfc9068 := jwt(`{"alg":"RS256","typ":"JWT"}`), jwt(`{"alg":"RS256","typ":"at+jwt"}`)
	cases := []struct {
		name   string
		raw    string
		claims map[string]any
		id     bool
	}{
		{"AccessToken", plain, map[string]any{"scope": "accounts:read", "client_id": "demo-erp"}, false},
		{"AccessTokenWithAuthTime", plain, map[string]any{"auth_time": 1, "acr": "0", "amr": []any{"pwd"}}, false},
		{"IDTokenWithNonce", plain, map[string]any{"nonce": "n"}, true},
		{"IDTokenWithAtHash", plain, map[string]any{"at_hash": "h"}, true},
		{"IDTokenWithCHash", plain, map[string]any{"c_hash": "h"}, true},
		{"KeycloakIDToken", plain, map[string]any{"typ": "ID"}, true},
		{"KeycloakAccessTokenWithNonce", plain, map[string]any{"typ": "Bearer", "nonce": "n"}, false},
		{"RFC9068AccessToken", rfc9068, map[string]any{"nonce": "n"}, false},
		{"NotAJWT", "garbage", map[string]any{"nonce": "n"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := isIDToken(c.raw, c.claims); got != c.id {
				t.Fatalf("isIDToken = %v, want %v", got, c.id)
			}
		})
	}
}
