package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// isIDToken reports whether a verified JWT is an OpenID Connect ID token rather than an access
// token. Both are signed by the same issuer and an ID token's audience is the client it was issued
// to, so one issued to a client whose id is also the API's audience (Ponte's own login client, or
// a provider configured that way) would pass every other check. Ponte refuses it at the API:
//   - a JWT whose header says typ "at+jwt" (RFC 9068) is an access token;
//   - a typ claim says which it is where the provider sets one (Keycloak: "Bearer" or "ID");
//   - otherwise the claims that only ID tokens carry give it away: nonce (echoed from the
//     authentication request), at_hash, c_hash and s_hash (OpenID Connect Core 3.1.3.6, 3.3.2.11).
//
// auth_time, acr and amr are not used: RFC 9068 lets access tokens carry them.
func isIDToken(raw string, claims map[string]any) bool {
	if typ := strings.ToLower(jwtHeaderType(raw)); typ == "at+jwt" || typ == "application/at+jwt" {
		return false
	}
	switch typ, _ := claims["typ"].(string); strings.ToLower(typ) {
	case "bearer":
		return false
	case "id":
		return true
	}
	for _, c := range []string{"nonce", "at_hash", "c_hash", "s_hash"} {
		if _, ok := claims[c]; ok {
			return true
		}
	}
	return false
}

// jwtHeaderType is the typ of a compact JWT's header, or "".
func jwtHeaderType(raw string) string {
	header, _, ok := strings.Cut(raw, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return ""
	}
	var h struct {
		Typ string `json:"typ"`
	}
	_ = json.Unmarshal(b, &h)
	return h.Typ
}
