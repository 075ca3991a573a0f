package auth

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Issuer is the OpenID Provider Ponte trusts, discovered once on first use and retried until
// discovery succeeds, so the server can start before its issuer answers (the embedded
// development provider is served by the same listener). Token verification and the holder's
// login both use it.
type Issuer struct {
	URL    string
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewIssuer returns the issuer at url, fetched with an HTTP client that times out.
func NewIssuer(url string, timeout time.Duration) *Issuer {
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	return &Issuer{URL: url, client: &http.Client{Timeout: timeout}}
}

// Context returns ctx carrying the issuer's HTTP client, for go-oidc and x/oauth2 calls.
func (i *Issuer) Context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, i.client)
}

// Provider returns the discovered provider.
func (i *Issuer) Provider(ctx context.Context) (*oidc.Provider, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.provider != nil {
		return i.provider, nil
	}
	// The provider keeps its context for later JWKS refreshes: give it no deadline of a request.
	p, err := oidc.NewProvider(i.Context(context.WithoutCancel(ctx)), i.URL)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery at %s: %w", i.URL, err)
	}
	i.provider = p
	return p, nil
}

// Verifier returns a verifier for tokens whose audience includes audience.
func (i *Issuer) Verifier(ctx context.Context, audience string, algs []string) (*oidc.IDTokenVerifier, error) {
	p, err := i.Provider(ctx)
	if err != nil {
		return nil, err
	}
	return p.VerifierContext(i.Context(context.WithoutCancel(ctx)), &oidc.Config{ClientID: audience, SupportedSigningAlgs: algs}), nil
}
