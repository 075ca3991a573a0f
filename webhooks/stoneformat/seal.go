package stoneformat

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// The headers of a Stone webhook.
const (
	HeaderEventID   = "x-stone-webhook-event-id"
	HeaderEventType = "x-stone-webhook-event-type"
)

// Signer is one of Ponte's signing keys: its private half and the kid the JWKS publishes it under.
type Signer struct {
	KID string
	Key *rsa.PrivateKey
}

// Body is a Stone webhook's body: {"encrypted_body": "<compact JWE>"}, the JWE (RSA-OAEP-256,
// A256GCM, cty JWT) encrypted to recipient, its plaintext the compact JWS (RS256, kid, typ JWT)
// of c signed by s.
func Body(c *Claims, s Signer, recipient *jose.JSONWebKey) ([]byte, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.Key, KeyID: s.KID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("stoneformat: signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return nil, fmt.Errorf("stoneformat: sign: %w", err)
	}
	compactJWS, err := jws.CompactSerialize()
	if err != nil {
		return nil, err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: recipient.Key, KeyID: recipient.KeyID},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("stoneformat: encrypter: %w", err)
	}
	jwe, err := enc.Encrypt([]byte(compactJWS))
	if err != nil {
		return nil, fmt.Errorf("stoneformat: encrypt: %w", err)
	}
	compactJWE, err := jwe.CompactSerialize()
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"encrypted_body": compactJWE})
}

// Key sizes accepted for a tenant's public key.
const (
	minKeyBits = 2048
	maxKeyBits = 8192
)

// ErrPublicKey is why a tenant's public key was refused; its message is for the tenant.
var ErrPublicKey = errors.New("stoneformat: bad public key")

// ParsePublicKey reads a tenant's RSA public key: PEM ("PUBLIC KEY", "RSA PUBLIC KEY" or a
// "CERTIFICATE") or a JWK (JSON). It returns it as a public JWK for RSA-OAEP-256 whose kid is its
// RFC 7638 thumbprint. Errors wrap ErrPublicKey: not a key, not RSA, a private key, or a size
// outside 2048–8192 bits.
func ParsePublicKey(text string) (*jose.JSONWebKey, error) {
	text = strings.TrimSpace(text)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPublicKey}, args...)...)
	}
	var key any
	switch {
	case strings.HasPrefix(text, "{"):
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON([]byte(text)); err != nil {
			return nil, bad("not a JWK")
		}
		if !jwk.IsPublic() {
			return nil, bad("give the public key only, never the private one")
		}
		key = jwk.Key
	case strings.HasPrefix(text, "-----BEGIN"):
		block, rest := pem.Decode([]byte(text))
		if block == nil || strings.TrimSpace(string(rest)) != "" {
			return nil, bad("not one PEM block")
		}
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			key, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			key, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				key = cert.PublicKey
			}
		default:
			return nil, bad("a PEM %q block is no public key (give the PUBLIC KEY)", block.Type)
		}
		if err != nil {
			return nil, bad("the PEM block does not parse")
		}
	default:
		return nil, bad("neither PEM nor a JWK")
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, bad("not an RSA key")
	}
	if bits := pub.N.BitLen(); bits < minKeyBits || bits > maxKeyBits {
		return nil, bad("an RSA key of %d bits (%d to %d accepted)", bits, minKeyBits, maxKeyBits)
	}
	jwk := &jose.JSONWebKey{Key: pub, Use: "enc", Algorithm: string(jose.RSA_OAEP_256)}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, bad("%v", err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	return jwk, nil
}
