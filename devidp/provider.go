package devidp

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Provider is a development OpenID Provider. It serves discovery, JWKS,
// /authorize with a login form, /oauth/token (authorization_code with
// PKCE S256, client_credentials) and /userinfo under the issuer's path.
type Provider struct {
	cfg     Config
	prefix  string       // the issuer's path, stripped before routing
	handler http.Handler // zitadel's router
	login   http.Handler
	log     *slog.Logger
}

// Paths below the issuer; zitadel's defaults, spelled out because the
// discovery document and the login page link to them.
var endpoints = op.Endpoints{
	Authorization: op.NewEndpoint("authorize"),
	Token:         op.NewEndpoint("oauth/token"),
	Userinfo:      op.NewEndpoint("userinfo"),
	JwksURI:       op.NewEndpoint("keys"),
}

const (
	loginPath    = "/login"
	maxBodyBytes = 64 << 10 // token and login forms are tiny
)

// New checks cfg and builds the provider. It fails on any configuration
// that could not work, rather than at the first request.
func New(cfg Config) (*Provider, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	key, err := newSigningKey(cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	if cfg.CryptoKey == ([32]byte{}) {
		// zitadel encrypts authorization codes with this key; a fixed
		// zero key would make them forgeable.
		rand.Read(cfg.CryptoKey[:])
	}
	clients := make(map[string]*client, len(cfg.Clients))
	var clientList []*client
	for _, c := range cfg.Clients {
		cl, err := newClient(c, cfg.Issuer+loginPath)
		if err != nil {
			return nil, fmt.Errorf("devidp: %w", err)
		}
		if _, dup := clients[c.ID]; dup {
			return nil, fmt.Errorf("devidp: duplicate client %q", c.ID)
		}
		clients[c.ID] = cl
		clientList = append(clientList, cl)
	}
	us, err := newUsers(cfg.Users)
	if err != nil {
		return nil, err
	}
	store := newStorage(cfg, key, clients, us)

	opts := []op.Option{}
	if strings.HasPrefix(cfg.Issuer, "http://") {
		// Only reachable for a loopback issuer (validateIssuer).
		opts = append(opts, op.WithAllowInsecure())
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:               cfg.CryptoKey,
		CodeMethodS256:          true,
		AuthMethodPost:          true,
		AuthMethodPrivateKeyJWT: true,
	}, store, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("devidp: %w", err)
	}

	p := &Provider{cfg: cfg, log: cfg.Logger}
	srv := &server{
		LegacyServer: op.NewLegacyServer(provider, endpoints),
		cfg:          cfg,
		log:          cfg.Logger,
		store:        store,
		clients:      clients,
		assertions:   newAssertionVerifier(cfg.Issuer, endpoints.Token.Absolute(cfg.Issuer)),
		discovery:    newDiscovery(cfg, endpoints, clientList),
	}
	login := &loginPage{
		store:       store,
		users:       us,
		clients:     clients,
		actionURL:   cfg.Issuer + loginPath,
		callbackURL: srv.AuthCallbackURL(),
		log:         cfg.Logger,
	}
	if cfg.ShowUsers {
		login.shown = cfg.Users
	}
	p.login = login
	// The guard runs inside zitadel's CORS handler, so browsers can read its
	// errors and preflight requests are answered as usual.
	p.handler = op.RegisterLegacyServer(srv, op.AuthorizeCallbackHandler(provider),
		op.WithHTTPMiddleware(guardToken))
	if u, _ := url.Parse(cfg.Issuer); u != nil {
		p.prefix = strings.TrimSuffix(u.Path, "/")
	}
	return p, nil
}

// Issuer returns the issuer URL, as it appears in tokens and discovery.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// ServeHTTP expects full paths under the issuer's path; mount it with
// mux.Handle("/idp/", p) for the issuer http://host/idp.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A bug must not take the listener's goroutine down, nor answer
		// without an OAuth error body.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			p.log.ErrorContext(r.Context(), "devidp: panic", "panic", v, "path", r.URL.Path)
			writeOAuthError(w, oidc.ErrServerError(), http.StatusInternalServerError)
		}
	}()
	rest, ok := strings.CutPrefix(r.URL.Path, p.prefix)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		http.NotFound(w, r)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rest, ""
	r2.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	switch rest {
	case loginPath:
		// Served beside zitadel's router rather than on it: RegisterLegacyServer
		// adds its middleware after any routes an option registers, which chi
		// refuses. The login page needs the issuer in its context to build
		// zitadel's callback URL.
		p.login.ServeHTTP(w, r2.WithContext(op.ContextWithIssuer(r2.Context(), p.cfg.Issuer)))
	default:
		p.handler.ServeHTTP(w, r2)
	}
}

// guardToken refuses, on the token endpoint, what zitadel would otherwise
// answer less precisely: a request that is not a POST, and grants this
// provider does not offer (zitadel would first authenticate the client and
// then answer unauthorized_client for refresh_token). It also adds the
// challenge header to 401 answers.
func guardToken(next http.Handler) http.Handler {
	tokenPath := endpoints.Token.Relative()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != tokenPath {
			next.ServeHTTP(w, r)
			return
		}
		w = &challengeOn401{ResponseWriter: w}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("the token endpoint accepts POST only"), http.StatusMethodNotAllowed)
			return
		}
		if err := r.ParseForm(); err != nil {
			writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("malformed form body"), http.StatusBadRequest)
			return
		}
		switch oidc.GrantType(r.Form.Get("grant_type")) {
		case oidc.GrantTypeCode, oidc.GrantTypeClientCredentials, "":
			// "" is answered by zitadel as invalid_request.
		default:
			writeOAuthError(w, oidc.ErrUnsupportedGrantType().WithDescription("only authorization_code and client_credentials are offered"), http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// challengeOn401 adds the WWW-Authenticate header that RFC 6749 §5.2 and
// HTTP require on a 401 from the token endpoint.
type challengeOn401 struct{ http.ResponseWriter }

func (w *challengeOn401) WriteHeader(code int) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="devidp"`)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *challengeOn401) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeOAuthError(w http.ResponseWriter, e *oidc.Error, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
	}{string(e.ErrorType), e.Description})
}
