// Package ide serves the GraphQL IDE (GraphiQL) from assets embedded in the
// binary, so that it works on a machine with no internet access.
//
// It owns the IDE page, its bearer-token bar and the static files the page
// loads. It must never load anything from another host: the page's
// Content-Security-Policy allows only the origin that served it (and data:
// URLs for fonts and images).
//
// Mount one handler for the page paths and the assets:
//
//	h := ide.New(ide.Config{Title: "Ponte", Endpoint: "/graphql"})
//	mux.Handle("GET /{$}", h)        // the page at /
//	mux.Handle("GET /playground", h) // the same page at /playground
//	mux.Handle(ide.AssetsPath, h)    // the scripts and styles the page loads
//
// The page refers to its assets by the absolute path [AssetsPath], so it works
// at any path as long as the assets are mounted there too. [Assets] returns a
// handler for the assets alone.
package ide

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AssetsPath is the absolute URL path under which the page loads its scripts
// and styles. Mount the handler of [New] or [Assets] there.
const AssetsPath = "/ide-assets/"

// DefaultQuery is the query the IDE shows on a first visit when
// Config.DefaultQuery is empty. GraphiQL keeps the user's tabs in
// localStorage, so later visits show what the user left there.
const DefaultQuery = `# Welcome to Ponte's GraphQL IDE.
#
# Most fields need an access token: paste it in
# the "Bearer token" bar above. It stays in this
# browser (localStorage) and is sent as
# "Authorization: Bearer <token>" on requests and
# in the connection_init of subscriptions.
#
# Getting a token:
# - Tenant (ERP): client credentials grant at the
#   OpenID Provider's token endpoint (listed in
#   <issuer>/.well-known/openid-configuration):
#     curl -u CLIENT_ID:CLIENT_SECRET \
#       -d grant_type=client_credentials \
#       TOKEN_ENDPOINT
#   and paste the "access_token" it returns.
# - Holder or operator: log in at the OpenID
#   Provider and paste your access token.
#
# Run with the play button or Ctrl-Enter.

{
  viewer {
    kind
  }
}
`

// Config configures the IDE page.
type Config struct {
	// Title is the page title. Default: "Ponte GraphQL".
	Title string
	// Endpoint is the absolute URL path of the GraphQL endpoint on the
	// page's own host, for example "/graphql" (the default). Queries and
	// mutations go to it over HTTP; subscriptions go to the same path
	// over WebSocket (ws:// or wss:// to match the page).
	Endpoint string
	// DefaultQuery is the text of the editor on a first visit. Default:
	// [DefaultQuery].
	DefaultQuery string
	// Tabs, when set, are the tabs of a first visit instead of DefaultQuery alone: examples
	// that walk a newcomer through the API, the first one active.
	Tabs []Tab
	// Dev, when set, adds demo-token buttons and a holder login to the token bar.
	Dev *Dev
}

// contentSecurityPolicy returns the Content-Security-Policy of the IDE
// page. All code and stylesheets come from the page's own origin; fonts and
// icons are data: URLs inside GraphiQL's stylesheet. GraphiQL sets element
// styles through the CSSOM, which CSP allows, but its dialogs (Radix UI,
// react-remove-scroll) insert one <style> element: it carries the nonce,
// which ide.js hands over as __webpack_nonce__, so no 'unsafe-inline' is
// needed. 'self' in connect-src covers ws:// and wss:// to the same host.
func contentSecurityPolicy(styleNonce string) string {
	return "default-src 'none'; " +
		"script-src 'self'; " +
		"style-src 'self' 'nonce-" + styleNonce + "'; " +
		"font-src data:; " +
		"img-src data:; " +
		"connect-src 'self'; " +
		"base-uri 'none'; " +
		"form-action 'none'; " +
		"frame-ancestors 'none'"
}

// The vendored files come from npm; assets/README says how to refresh them.
// ide.js and ide.css are Ponte's own.
//
//go:embed assets/graphiql.min.js assets/graphiql.min.css
//go:embed assets/react.production.min.js assets/react-dom.production.min.js
//go:embed assets/ide.js assets/ide.css
var assetFS embed.FS

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// asset is one embedded file with what the handler needs to serve it.
type asset struct {
	name        string
	body        []byte
	contentType string
	version     string // short content hash, the ?v= of the page's URLs
	integrity   string // subresource integrity value
	etag        string

	gzipOnce sync.Once
	gzipped  []byte // nil when gzip does not make it smaller
}

// gz returns the gzip-compressed body, computed on first use.
func (a *asset) gz() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		if buf.Len() < len(a.body) {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// assets holds the embedded files by name, loaded once.
var assets = sync.OnceValue(func() map[string]*asset {
	entries, err := assetFS.ReadDir("assets")
	if err != nil {
		panic("ide: reading embedded assets: " + err.Error())
	}
	m := make(map[string]*asset, len(entries))
	for _, e := range entries {
		body, err := assetFS.ReadFile("assets/" + e.Name())
		if err != nil {
			panic("ide: reading embedded asset: " + err.Error())
		}
		sum := sha256.Sum256(body)
		version := hex.EncodeToString(sum[:])[:16]
		m[e.Name()] = &asset{
			name:        e.Name(),
			body:        body,
			contentType: contentTypes[path.Ext(e.Name())],
			version:     version,
			integrity:   "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
			etag:        `"` + version + `"`,
		}
	}
	return m
})

// assetRef is what the page template needs to link one asset.
type assetRef struct {
	URL       string
	Integrity string
}

func ref(name string) assetRef {
	a := assets()[name]
	if a == nil {
		panic("ide: no embedded asset " + name)
	}
	return assetRef{URL: AssetsPath + a.name + "?v=" + a.version, Integrity: a.integrity}
}

// pageConfig is read by ide.js from the page's JSON config block.
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
	Tabs         []Tab  `json:"tabs,omitempty"`
	Dev          *Dev   `json:"dev,omitempty"`
	StyleNonce   string `json:"styleNonce"`
}

type pageData struct {
	Title                    string
	Callback                 bool // the holder login's popup page, not the IDE
	Config                   pageConfig
	CSS, IDECSS              assetRef
	React, ReactDOM, JS, IDE assetRef
}

// New returns a handler that serves the IDE page at any path it is mounted
// on, and the page's assets under [AssetsPath]. Only GET and HEAD are
// allowed. It panics if cfg.Endpoint is not an absolute path.
func New(cfg Config) http.Handler {
	if cfg.Title == "" {
		cfg.Title = "Ponte GraphQL"
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "/graphql"
	}
	if !strings.HasPrefix(cfg.Endpoint, "/") || strings.HasPrefix(cfg.Endpoint, "//") {
		panic("ide: Config.Endpoint must be an absolute path such as /graphql, got " + cfg.Endpoint)
	}
	if cfg.DefaultQuery == "" {
		cfg.DefaultQuery = DefaultQuery
	}
	data := pageData{
		Title:    cfg.Title,
		Config:   pageConfig{Endpoint: cfg.Endpoint, DefaultQuery: cfg.DefaultQuery, Tabs: cfg.Tabs, Dev: cfg.Dev},
		CSS:      ref("graphiql.min.css"),
		IDECSS:   ref("ide.css"),
		React:    ref("react.production.min.js"),
		ReactDOM: ref("react-dom.production.min.js"),
		JS:       ref("graphiql.min.js"),
		IDE:      ref("ide.js"),
	}
	if err := pageTemplate.Execute(io.Discard, data); err != nil {
		panic("ide: rendering the page: " + err.Error())
	}
	assetsHandler := Assets()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, AssetsPath) {
			assetsHandler.ServeHTTP(w, r)
			return
		}
		if !allowMethod(w, r) {
			return
		}
		// A fresh style nonce for each response, so the page is not cacheable.
		data := data
		data.Config.StyleNonce = rand.Text()
		data.Callback = r.URL.Path == CallbackPath
		var buf bytes.Buffer
		if err := pageTemplate.Execute(&buf, data); err != nil {
			http.Error(w, "rendering the IDE page failed", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurityPolicy(data.Config.StyleNonce))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(buf.Bytes())
		}
	})
}

// Assets returns a handler for the IDE's static files, at
// [AssetsPath]+name. A request whose ?v= matches the file's content hash
// (as the page links it) is cacheable for a year; any other is revalidated
// by ETag. Clients that accept gzip get the file compressed.
func Assets() http.Handler {
	all := assets()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowMethod(w, r) {
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, AssetsPath)
		a := all[name]
		if !ok || a == nil || a.contentType == "" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Vary", "Accept-Encoding")
		if r.URL.Query().Get("v") == a.version {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		body, etag := a.body, a.etag
		if acceptsGzip(r) && r.Header.Get("Range") == "" {
			if gz := a.gz(); gz != nil {
				body, etag = gz, `"`+a.version+`-gzip"`
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

func allowMethod(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// acceptsGzip reports whether the Accept-Encoding header lists gzip with a
// non-zero quality.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
