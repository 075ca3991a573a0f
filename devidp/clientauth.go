package devidp

import (
	"context"
	"net/http"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// VerifyClient authenticates the client on the token endpoint, for every
// grant. It replaces zitadel's LegacyServer.VerifyClient, which for
// client_credentials only looks at a secret and ignores client assertions.
//
// Accepted: client_secret_basic and client_secret_post for clients with a
// secret, private_key_jwt for clients with a public key, nothing ("none")
// for public clients. zitadel has already refused requests that combine
// methods (RFC 6749 §2.3).
func (s *server) VerifyClient(ctx context.Context, r *op.Request[op.ClientCredentials]) (op.Client, error) {
	cc := r.Data
	if cc.ClientAssertion != "" || cc.ClientAssertionType != "" {
		if cc.ClientAssertionType != oidc.ClientAssertionTypeJWTAssertion || cc.ClientAssertion == "" {
			return nil, invalidClient("client_assertion_type must be " + oidc.ClientAssertionTypeJWTAssertion + " with a client_assertion")
		}
		c, err := s.assertions.verify(cc.ClientAssertion, cc.ClientID, s.lookupClient)
		if err != nil {
			s.log.InfoContext(ctx, "client assertion refused", "reason", err.Error())
			return nil, invalidClient(err.Error())
		}
		return c, nil
	}

	c := s.lookupClient(cc.ClientID)
	switch {
	case c == nil:
		// Same answer as a wrong secret: client ids are not enumerable.
		return nil, invalidClient("invalid client credentials")
	case c.Public:
		if cc.ClientSecret != "" {
			return nil, invalidClient("a public client has no secret")
		}
		return c, nil
	case c.secretMatches(cc.ClientSecret):
		return c, nil
	default:
		return nil, invalidClient("invalid client credentials")
	}
}

func (s *server) lookupClient(id string) *client { return s.clients[id] }

// invalidClient answers 401, as RFC 6749 §5.2 asks for a failed client
// authentication; zitadel's default for an invalid_client here is 400.
func invalidClient(description string) error {
	return op.NewStatusError(oidc.ErrInvalidClient().WithDescription("%s", description), http.StatusUnauthorized)
}
