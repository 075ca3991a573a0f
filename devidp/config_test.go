package devidp_test

import (
	"testing"

	"github.com/ponte-bff/ponte/devidp"
)

func TestNewRefusesConfigurationsThatCannotWork(t *testing.T) {
	const issuer = "http://127.0.0.1:8080/idp"
	cases := map[string]func(*devidp.Config){
		"HTTPIssuerOffLoopback":  func(c *devidp.Config) { c.Issuer = "http://idp.example.com/idp" },
		"IssuerTrailingSlash":    func(c *devidp.Config) { c.Issuer = issuer + "/" },
		"MissingAudience":        func(c *devidp.Config) { c.Audience = "" },
		"ReservedDocumentClaim":  func(c *devidp.Config) { c.DocumentClaim = "sub" },
		"PublicClientWithSecret": func(c *devidp.Config) { c.Clients[3].Secret = "x" },
		"PublicClientWithoutRedirect": func(c *devidp.Config) {
			c.Clients[3].RedirectURIs = nil
		},
		"ConfidentialClientWithoutCredentials": func(c *devidp.Config) { c.Clients[1].Secret = "" },
		"BrokenPublicKey":                      func(c *devidp.Config) { c.Clients[0].PublicKeyPEM = []byte("not pem") },
		"DuplicateClient":                      func(c *devidp.Config) { c.Clients = append(c.Clients, c.Clients[0]) },
		"DuplicateUsername":                    func(c *devidp.Config) { c.Users = append(c.Users, c.Users[0]) },
		"RelativeRedirectURI":                  func(c *devidp.Config) { c.Clients[3].RedirectURIs = []string{"/callback"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := devidp.Demo(issuer)
			mutate(&cfg)
			if _, err := devidp.New(cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}

	t.Run("DemoIsAccepted", func(t *testing.T) {
		for _, iss := range []string{issuer, "http://localhost:8080/idp", "https://idp.example.com"} {
			p, err := devidp.New(devidp.Demo(iss))
			if err != nil {
				t.Fatalf("%s: %v", iss, err)
			}
			if p.Issuer() != iss {
				t.Fatalf("Issuer() = %q", p.Issuer())
			}
		}
	})
}
