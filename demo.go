package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

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
