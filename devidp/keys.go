package devidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// signingKey is the provider's one RSA key, in the two shapes zitadel asks
// for: op.SigningKey to sign, op.Key to publish in the JWKS.
type signingKey struct {
	private *rsa.PrivateKey
	id      string
}

var (
	_ op.SigningKey = (*signingKey)(nil)
	_ op.Key        = (*publicKey)(nil)
)

// newSigningKey uses key, or generates one. The key id is the JWK
// thumbprint, so a configured key keeps its kid across restarts and a
// generated one gets a new kid, which makes relying parties refetch the JWKS.
func newSigningKey(key *rsa.PrivateKey) (*signingKey, error) {
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, minRSABits); err != nil {
			return nil, fmt.Errorf("devidp: generate signing key: %w", err)
		}
	}
	jwk := jose.JSONWebKey{Key: &key.PublicKey}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("devidp: signing key thumbprint: %w", err)
	}
	return &signingKey{private: key, id: base64.RawURLEncoding.EncodeToString(thumb)}, nil
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.private }
func (k *signingKey) ID() string                                  { return k.id }

func (k *signingKey) public() *publicKey { return &publicKey{k} }

type publicKey struct{ k *signingKey }

func (p *publicKey) ID() string                         { return p.k.id }
func (p *publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p *publicKey) Use() string                        { return "sig" }
func (p *publicKey) Key() any                           { return &p.k.private.PublicKey }
