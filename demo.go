package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"

	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/devseed"
)

// demoHolder is the development provider's holder as an account to seed.
func demoHolder(c devidp.Config) devseed.Holder {
	for _, u := range c.Users {
		if u.Document != "" {
			return devseed.Holder{Name: u.Name, Email: u.Email, Document: u.Document}
		}
	}
	return devseed.Holder{}
}

// ideDefaultQuery is the IDE's first query: in development it says exactly how to get a token.
func ideDefaultQuery(cfg config, port int) string {
	if cfg.OIDCIssuer != "" {
		return "" // the ide package's generic text
	}
	return fmt.Sprintf(`# Welcome to Ponte. Paste a token in the "Bearer token" bar above, then run (Ctrl-Enter).
#
# A token for the demo ERP tenant:
#   curl -s -u demo-erp:demo-erp-secret -d grant_type=client_credentials \
#     http://localhost:%d/idp/oauth/token | jq -r .access_token
# An operator token: the same with demo-operator:demo-operator-secret.

{
  viewer { kind clientId scopes tenant { name } }
  accounts(first: 10) {
    totalCount
    nodes { id name document status bankAccount { accountCode branchCode } }
  }
}
`, port)
}

// randomSecret is the development client secret of Ponte's own login client: new at every start,
// known only to this process and its embedded provider.
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// developmentProvider builds the embedded OpenID Provider of development: the demo clients and
// people, plus Ponte's own client for holders' logins with a secret made at start.
func developmentProvider(cfg config, port int, publicURL string, log *slog.Logger) (issuer, rpSecret string, idp *devidp.Provider, holder devseed.Holder, err error) {
	issuer = fmt.Sprintf("http://localhost:%d/idp", port)
	if rpSecret, err = randomSecret(); err != nil {
		return "", "", nil, holder, err
	}
	idpCfg := devidp.Demo(issuer)
	idpCfg.Logger = log.With("component", "devidp")
	idpCfg.AccessTokenTTL = cfg.DevTokenTTL
	idpCfg.Clients = append(idpCfg.Clients, devidp.Client{
		ID: cfg.OIDCClientID, Name: "Ponte", Secret: rpSecret,
		RedirectURIs: []string{publicURL + "/consents/callback"}, Scopes: []string{"openid", "profile", "email"},
	})
	if idp, err = devidp.New(idpCfg); err != nil {
		return "", "", nil, holder, fmt.Errorf("development OpenID Provider: %w", err)
	}
	log.Info("development OpenID Provider", "issuer", issuer)
	return issuer, rpSecret, idp, demoHolder(idpCfg), nil
}
