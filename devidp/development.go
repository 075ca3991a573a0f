package devidp

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"
)

// Development is the provider a development server serves at issuer when no external issuer is
// configured: Demo's clients and people, plus rp, the server's own client for holders' logins.
// When rp.Secret is empty it gets a random one, new at every start and known only to the
// process. key signs its tokens (StoredSigningKey keeps one across restarts; nil: a new key).
// It returns the provider and rp as registered, with its secret.
func Development(issuer string, rp Client, key *rsa.PrivateKey, accessTokenTTL time.Duration, log *slog.Logger) (*Provider, Client, error) {
	if rp.Secret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, rp, err
		}
		rp.Secret = base64.RawURLEncoding.EncodeToString(b)
	}
	cfg := Demo(issuer)
	cfg.Logger = log
	cfg.AccessTokenTTL = accessTokenTTL
	cfg.SigningKey = key
	cfg.Clients = append(cfg.Clients, rp)
	p, err := New(cfg)
	if err != nil {
		return nil, rp, fmt.Errorf("development OpenID Provider: %w", err)
	}
	return p, rp, nil
}

// DemoWelcomeQuery is the GraphQL IDE's first query on a development server whose provider is
// at issuer: it says exactly how to get a demo token.
func DemoWelcomeQuery(issuer string) string {
	return fmt.Sprintf(`# Welcome to Ponte. Paste a token in the "Bearer token" bar above, then run (Ctrl-Enter).
#
# A token for the demo ERP tenant:
#   curl -s -u demo-erp:demo-erp-secret -d grant_type=client_credentials \
#     %s/oauth/token | jq -r .access_token
# An operator token: the same with demo-operator:demo-operator-secret.

{
  viewer { kind clientId scopes tenant { name } }
  accounts(first: 10) {
    totalCount
    nodes { id name document status bankAccount { accountCode branchCode } }
  }
}
`, issuer)
}
