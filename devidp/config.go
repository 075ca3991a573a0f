package devidp

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Client is an OAuth client registered with the provider.
type Client struct {
	ID           string
	Name         string
	Secret       string   // "" for a public client
	PublicKeyPEM []byte   // RSA public key (PKIX PEM) for private_key_jwt client authentication; nil if none
	RedirectURIs []string // authorization-code clients
	Public       bool     // public client: authorization code + PKCE S256 only, no secret
	Scopes       []string // scopes this client may get; granted in full when a client-credentials request names none
	Roles        []string // put in the roles claim of this client's client-credentials access tokens (e.g. "operator")
}

// User is a person who can log in on the provider's login form.
type User struct {
	Username, Password, Subject, Name, Email string
	Document                                 string // CPF digits, e.g. "39053344705"
}

// Config configures a Provider. Zero values get the defaults named on each field.
type Config struct {
	Issuer         string          // e.g. "http://localhost:8080/idp" (no trailing slash)
	Audience       string          // audience of API access tokens: "ponte"
	DocumentClaim  string          // claim name carrying User.Document in ID and access tokens; default "document"
	RolesClaim     string          // default "roles"
	AccessTokenTTL time.Duration   // default 15m
	SigningKey     *rsa.PrivateKey // nil: generate a 2048-bit key at start
	Clients        []Client
	Users          []User
	Logger         *slog.Logger
	CryptoKey      [32]byte // for zitadel's opaque codes; zero: random
	// ShowUsers lists the users and their passwords on the login page. Development sets it
	// (the demo people are public anyway); any other provider leaves it off.
	ShowUsers bool
}

const (
	defaultDocumentClaim  = "document"
	defaultRolesClaim     = "roles"
	defaultAccessTokenTTL = 15 * time.Minute
	minRSABits            = 2048
)

// reservedClaims are names the provider sets itself; a configured claim name
// must not collide with them, or it would silently overwrite (or be
// overwritten by) a registered claim.
var reservedClaims = []string{
	"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time", "nonce", "acr", "amr",
	"azp", "client_id", "scope", "at_hash", "c_hash", "sid", "act",
	"name", "preferred_username", "email", "email_verified",
}

// withDefaults returns a copy of cfg with defaults applied, or an error
// naming the first setting that cannot work.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.DocumentClaim == "" {
		cfg.DocumentClaim = defaultDocumentClaim
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = defaultRolesClaim
	}
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = defaultAccessTokenTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := validateIssuer(cfg.Issuer); err != nil {
		return cfg, err
	}
	if cfg.Audience == "" {
		return cfg, errors.New("devidp: Audience is required")
	}
	if cfg.AccessTokenTTL < 0 {
		return cfg, errors.New("devidp: AccessTokenTTL must be positive")
	}
	for _, name := range []string{cfg.DocumentClaim, cfg.RolesClaim} {
		if slices.Contains(reservedClaims, name) {
			return cfg, fmt.Errorf("devidp: claim name %q is reserved", name)
		}
	}
	if cfg.DocumentClaim == cfg.RolesClaim {
		return cfg, errors.New("devidp: DocumentClaim and RolesClaim must differ")
	}
	if cfg.SigningKey != nil && cfg.SigningKey.N.BitLen() < minRSABits {
		return cfg, fmt.Errorf("devidp: SigningKey must have at least %d bits", minRSABits)
	}
	return cfg, nil
}

// validateIssuer accepts https anywhere and plain http only on loopback: the
// provider turns on zitadel's insecure mode for http, which is only
// tolerable when nothing leaves the machine.
func validateIssuer(issuer string) error {
	if issuer == "" {
		return errors.New("devidp: Issuer is required")
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return fmt.Errorf("devidp: Issuer %q is not an absolute URL", issuer)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(issuer, "/") {
		return fmt.Errorf("devidp: Issuer %q must have no query, fragment or trailing slash", issuer)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("devidp: an http Issuer must be on loopback, got %q", u.Host)
	default:
		return fmt.Errorf("devidp: Issuer scheme must be http or https, got %q", u.Scheme)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseRSAPublicKey reads a PKIX PEM block holding an RSA key of at least
// minRSABits.
func parseRSAPublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, want RSA", key)
	}
	if rsaKey.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("RSA key has %d bits, want at least %d", rsaKey.N.BitLen(), minRSABits)
	}
	return rsaKey, nil
}
