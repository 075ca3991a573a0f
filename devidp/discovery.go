package devidp

import (
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// newDiscovery builds the OpenID Provider metadata. Every list names only
// what the provider actually accepts, because relying parties (go-oidc,
// oauth2 libraries) pick their behaviour from it.
func newDiscovery(cfg Config, endpoints op.Endpoints, clients []*client) *oidc.DiscoveryConfiguration {
	scopes := []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail}
	for _, c := range clients {
		for _, s := range c.Scopes {
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	return &oidc.DiscoveryConfiguration{
		Issuer:                endpointURL(cfg.Issuer, nil),
		AuthorizationEndpoint: endpointURL(cfg.Issuer, endpoints.Authorization),
		TokenEndpoint:         endpointURL(cfg.Issuer, endpoints.Token),
		UserinfoEndpoint:      endpointURL(cfg.Issuer, endpoints.Userinfo),
		JwksURI:               endpointURL(cfg.Issuer, endpoints.JwksURI),
		ScopesSupported:       scopes,
		ResponseTypesSupported: []string{
			string(oidc.ResponseTypeCode),
		},
		ResponseModesSupported: []string{
			string(oidc.ResponseModeQuery), string(oidc.ResponseModeFragment), string(oidc.ResponseModeFormPost),
		},
		GrantTypesSupported: []oidc.GrantType{
			oidc.GrantTypeCode, oidc.GrantTypeClientCredentials,
		},
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
		// "none" is how the public (PKCE) clients authenticate.
		TokenEndpointAuthMethodsSupported: []oidc.AuthMethod{
			oidc.AuthMethodBasic, oidc.AuthMethodPost, oidc.AuthMethodPrivateKeyJWT, oidc.AuthMethodNone,
		},
		TokenEndpointAuthSigningAlgValuesSupported: []string{"RS256"},
		ClaimsSupported: []string{
			"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "amr",
			"azp", "client_id", "scope", "at_hash", "c_hash",
			"name", "preferred_username", "email", "email_verified",
			cfg.DocumentClaim, cfg.RolesClaim,
		},
		CodeChallengeMethodsSupported: []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256},
		RequestParameterSupported:     false,
		RequestURIParameterSupported:  false,
	}
}

func endpointURL(issuer string, e *op.Endpoint) string {
	if e == nil {
		return issuer
	}
	return e.Absolute(issuer)
}
