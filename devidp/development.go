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
// ideRedirectURI, when set, registers DemoIDEClientID, the GraphQL IDE's public client for the
// holder login, with that redirect URI.
func Development(issuer string, rp Client, ideRedirectURI string, key *rsa.PrivateKey, accessTokenTTL time.Duration, log *slog.Logger) (*Provider, Client, error) {
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
	cfg.ShowUsers = true // development only: the login page lists the demo people
	cfg.SigningKey = key
	cfg.Clients = append(cfg.Clients, rp)
	if ideRedirectURI != "" {
		cfg.Clients = append(cfg.Clients, Client{ID: DemoIDEClientID, Name: "Ponte GraphQL IDE", Public: true,
			RedirectURIs: []string{ideRedirectURI}, Scopes: append([]string{"openid", "profile", "email"}, DemoHolderScopes()...)})
	}
	p, err := New(cfg)
	if err != nil {
		return nil, rp, fmt.Errorf("development OpenID Provider: %w", err)
	}
	return p, rp, nil
}

// DemoIDEClientID is the development GraphQL IDE's public client: its holder login (authorization
// code + PKCE S256 in a popup) gets a holder's access token.
const DemoIDEClientID = "ponte-ide"
