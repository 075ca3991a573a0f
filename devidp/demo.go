package devidp

import (
	_ "embed"
	"slices"
)

// The demo key pair of demo-erp: a development-only key, committed on
// purpose (see demokeys/README.md).
var (
	//go:embed demokeys/demo-erp.key
	demoERPPrivateKeyPEM []byte
	//go:embed demokeys/demo-erp.pub
	demoERPPublicKeyPEM []byte
)

// Demo identities. Outside tests rely on these exact values.
const (
	DemoHolderSubject     = "6f1c2b9e-4d3a-4e8b-9c71-2a5d8e0f4b13"
	DemoHolderUsername    = "holder"
	DemoHolderPassword    = "holder"
	DemoHolderDocument    = "39053344705" // CPF 390.533.447-05
	DemoHolderClientID    = "demo-holder-app"
	DemoHolderRedirectURI = "http://localhost:3000/holder/callback"
	DemoAudience          = "ponte"

	// A tenant Ponte registers without accounts:read: it reads payments, never accounts.
	DemoNoAccountsReadClientID = "demo-erp-noread"

	// A second person, holder of no seeded account: the "someone else logs in" case.
	DemoOtherUsername = "other"
	DemoOtherPassword = "other"
	DemoOtherDocument = "52998224725" // CPF 529.982.247-25
)

// DemoTenantScopes are the scopes of both demo ERP tenants.
func DemoTenantScopes() []string {
	return []string{
		"accounts:read", "accounts:create", "balance:read", "statement:read", "payments:read",
		"payments:initiate", "boletos:issue", "contacts:manage", "consents:request",
	}
}

// DemoHolderScopes are the API scopes the holder app may ask for: what a
// holder does on their own accounts. consents:request is a tenant's act, so
// it is not among them.
func DemoHolderScopes() []string {
	return []string{
		"accounts:read", "balance:read", "statement:read", "payments:read",
		"payments:initiate", "boletos:issue", "contacts:manage",
	}
}

// DemoERPPrivateKeyPEM returns the PKCS#8 PEM private key of demo-erp, for
// signing private_key_jwt client assertions in tests and docs.
func DemoERPPrivateKeyPEM() []byte { return slices.Clone(demoERPPrivateKeyPEM) }

// Demo returns the development configuration: three confidential clients
// (demo-erp, demo-erp-2, demo-operator), the public holder app, a fourth
// tenant client (demo-erp-noread) and the holder. issuer is e.g. "http://localhost:8080/idp".
func Demo(issuer string) Config {
	return Config{
		Issuer:   issuer,
		Audience: DemoAudience,
		Clients: []Client{
			{
				ID:           "demo-erp",
				Name:         "Demo ERP",
				Secret:       "demo-erp-secret",
				PublicKeyPEM: slices.Clone(demoERPPublicKeyPEM),
				Scopes:       DemoTenantScopes(),
			},
			{
				ID:     "demo-erp-2",
				Name:   "Demo ERP 2",
				Secret: "demo-erp-2-secret",
				Scopes: DemoTenantScopes(),
			},
			{
				ID:     "demo-operator",
				Name:   "Demo Operator",
				Secret: "demo-operator-secret",
				Scopes: []string{"operator"},
				Roles:  []string{"operator"},
			},
			{
				ID:           DemoHolderClientID,
				Name:         "Demo Holder App",
				Public:       true,
				RedirectURIs: []string{DemoHolderRedirectURI},
				Scopes:       append([]string{"openid", "profile", "email"}, DemoHolderScopes()...),
			},
			{
				// Its token may carry every tenant scope; Ponte registers it without
				// accounts:read (devseed), so its effective scopes lack it.
				ID:     DemoNoAccountsReadClientID,
				Name:   "Demo ERP without accounts:read",
				Secret: DemoNoAccountsReadClientID + "-secret",
				Scopes: DemoTenantScopes(),
			},
		},
		Users: []User{{
			Username: DemoHolderUsername,
			Password: DemoHolderPassword,
			Subject:  DemoHolderSubject,
			Name:     "Maria Holder",
			Email:    "maria.holder@example.com",
			Document: DemoHolderDocument,
		}, {
			Username: DemoOtherUsername,
			Password: DemoOtherPassword,
			Subject:  "0b9d7c31-5e2f-4a8c-b6d4-93e1f7a2c580",
			Name:     "João Other",
			Email:    "joao.other@example.com",
			Document: DemoOtherDocument,
		}},
	}
}
