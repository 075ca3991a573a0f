package ide_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/ide"
)

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var attrURL = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// assetURLs returns the src and href values of the page.
func assetURLs(page string) []string {
	var urls []string
	for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
		if m[1] == "data:," { // the empty favicon
			continue
		}
		urls = append(urls, html.UnescapeString(m[1]))
	}
	return urls
}

func TestPageIsServedAtEveryMountPath(t *testing.T) {
	h := ide.New(ide.Config{})
	var lastNonce string
	for _, path := range []string{"/", "/playground"} {
		resp := get(t, h, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, got)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self';", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
			t.Errorf("GET %s: Content-Security-Policy %q allows too much", path, csp)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", path, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
		page := body(t, resp)
		for _, want := range []string{"<title>Ponte GraphQL</title>", `id="ponte-ide-token"`, "Bearer token"} {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s: page lacks %s", path, want)
			}
		}
		nonce := pageConfig(t, page)["styleNonce"]
		if len(nonce) < 16 || !strings.Contains(csp, "style-src 'self' 'nonce-"+nonce+"';") {
			t.Errorf("GET %s: style nonce %q, Content-Security-Policy %q", path, nonce, csp)
		}
		if nonce == lastNonce {
			t.Errorf("GET %s: the style nonce %q did not change", path, nonce)
		}
		lastNonce = nonce
	}
}

func TestPageLinksNoOtherHost(t *testing.T) {
	page := body(t, get(t, ide.New(ide.Config{}), "/"))
	if m := regexp.MustCompile(`(?i)(?:https?|wss?|ftp):(?:\\?/){2}[^\s"'<>]*`).FindAllString(page, -1); len(m) > 0 {
		t.Errorf("page names other hosts: %q", m)
	}
	urls := assetURLs(page)
	if len(urls) != 6 {
		t.Errorf("page links %d assets, want 6: %q", len(urls), urls)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, ide.AssetsPath) {
			t.Errorf("page links %q, want a path under %s", u, ide.AssetsPath)
		}
	}
}

func TestAssetsHaveContentTypesCacheAndIntegrity(t *testing.T) {
	h := ide.New(ide.Config{})
	page := body(t, get(t, h, "/"))
	integrity := regexp.MustCompile(`(?:src|href)="([^"]*)" integrity="([^"]*)"`)
	matches := integrity.FindAllStringSubmatch(page, -1)
	if len(matches) != 6 {
		t.Fatalf("found %d linked assets with integrity, want 6", len(matches))
	}
	wantTypes := map[string]string{
		"graphiql.min.js":             "text/javascript; charset=utf-8",
		"react.production.min.js":     "text/javascript; charset=utf-8",
		"react-dom.production.min.js": "text/javascript; charset=utf-8",
		"ide.js":                      "text/javascript; charset=utf-8",
		"graphiql.min.css":            "text/css; charset=utf-8",
		"ide.css":                     "text/css; charset=utf-8",
	}
	for _, m := range matches {
		link, sri := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(u.Path, ide.AssetsPath)
		want, ok := wantTypes[name]
		if !ok {
			t.Errorf("unexpected asset %s", link)
			continue
		}
		delete(wantTypes, name)

		// The same handler serves the assets, and so does Assets().
		for _, handler := range []http.Handler{h, ide.Assets()} {
			resp := get(t, handler, link)
			b := body(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", link, resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != want {
				t.Errorf("GET %s: Content-Type %q, want %q", link, got, want)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("GET %s: Cache-Control %q", link, got)
			}
			sum := sha256.Sum256([]byte(b))
			if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != sri {
				t.Errorf("GET %s: body hash %s, page says %s", link, got, sri)
			}

			// Revalidation by ETag.
			resp = get(t, handler, link, "If-None-Match", resp.Header.Get("ETag"))
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with its ETag: status %d, want 304", link, resp.StatusCode)
			}

			// Without the page's version, the file is not cached for long.
			resp = get(t, handler, u.Path)
			if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("GET %s: Cache-Control %q, want no-cache", u.Path, got)
			}

			// gzip when asked, with the same content.
			resp = get(t, handler, link, "Accept-Encoding", "gzip, deflate, br")
			if resp.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				unzipped, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(unzipped, []byte(b)) {
					t.Errorf("GET %s gzip: content differs", link)
				}
			} else if strings.HasSuffix(name, ".min.js") {
				t.Errorf("GET %s with Accept-Encoding gzip: not compressed", link)
			}
			if got := resp.Header.Get("Content-Type"); got != want {
				t.Errorf("GET %s gzip: Content-Type %q, want %q", link, got, want)
			}
		}
	}
	for name := range wantTypes {
		t.Errorf("page does not link %s", name)
	}
}

func TestAssetsRejectUnknownFilesAndMethods(t *testing.T) {
	h := ide.New(ide.Config{})
	for _, path := range []string{"/ide-assets/", "/ide-assets/README", "/ide-assets/LICENSE.react", "/ide-assets/nope.js", "/ide-assets/graphiql.min.js.map"} {
		if resp := get(t, h, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/", "/ide-assets/ide.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", path, rec.Code)
		}
	}
}

// pageConfig reads the JSON config block that ide.js reads.
func pageConfig(t *testing.T, page string) map[string]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script id="ponte-ide-config" type="application/json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("page has no config block")
	}
	var cfg map[string]string
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("config block %q: %v", m[1], err)
	}
	return cfg
}

func TestConfigReachesThePage(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		cfg := pageConfig(t, body(t, get(t, ide.New(ide.Config{}), "/")))
		if cfg["endpoint"] != "/graphql" {
			t.Errorf("endpoint %q", cfg["endpoint"])
		}
		if cfg["defaultQuery"] != ide.DefaultQuery {
			t.Errorf("defaultQuery %q", cfg["defaultQuery"])
		}
		if !strings.Contains(ide.DefaultQuery, "{\n  viewer {\n    kind\n  }\n}") {
			t.Errorf("DefaultQuery does not ask for the viewer's kind")
		}
	})
	t.Run("Custom", func(t *testing.T) {
		query := "# </script><script>alert(1)</script>\n{ viewer { kind } }"
		page := body(t, get(t, ide.New(ide.Config{Title: "Bank <IDE>", Endpoint: "/api/graphql", DefaultQuery: query}), "/"))
		cfg := pageConfig(t, page)
		if cfg["endpoint"] != "/api/graphql" || cfg["defaultQuery"] != query {
			t.Errorf("config %q", cfg)
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<IDE>") {
			t.Errorf("page does not escape the config")
		}
		if !strings.Contains(page, "<title>Bank &lt;IDE&gt;</title>") {
			t.Errorf("page lacks the escaped title")
		}
	})
	t.Run("EndpointMustBeAPath", func(t *testing.T) {
		for _, endpoint := range []string{"graphql", "https://api.example/graphql", "//api.example/graphql"} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("New with Endpoint %q did not panic", endpoint)
					}
				}()
				ide.New(ide.Config{Endpoint: endpoint})
			}()
		}
	})
}
