package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// browserPath returns the browser, or skips or fails as New does.
func browserPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	return requireBrowser(t)
}

func textServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>ok</title><p id=host>%s</p>", r.Host)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func port(srv *httptest.Server) string {
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return p
}

// navigateErr navigates and returns the error, bounded by StepTimeout.
func navigateErr(t *testing.T, ctx context.Context, url string) error {
	t.Helper()
	sctx, cancel := WithTimeout(ctx, StepTimeout)
	defer cancel()
	return chromedp.Do(sctx, chromedp.Navigate(url))
}

func TestNewReachesLoopback(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	srv := textServer(t)
	ctx := New(t)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		url := "http://" + net.JoinHostPort(host, port(srv)) + "/"
		Do(t, ctx, "navigate to "+url, chromedp.Navigate(url))
		got := Run(t, ctx, "read the page", chromedp.Text(chromedp.ID("host")))
		if !strings.HasPrefix(got, host+":") {
			t.Errorf("%s: page shows Host %q", url, got)
		}
	}
}

// TestHostResolverRulesBlockNames checks that the resolver rules alone stop
// a host name: ponte-check.localhost is loopback to a plain Chromium, and
// fails to resolve with the rules. The proxy is off here, so that the rules
// and not the proxy are what is tested.
func TestHostResolverRulesBlockNames(t *testing.T) {
	path := browserPath(t)
	srv := textServer(t)
	url := "http://ponte-check.localhost:" + port(srv) + "/"
	noProxy := []chromedp.ExecAllocatorOption{
		chromedp.Flag("proxy-server", false),
		chromedp.Flag("proxy-bypass-list", false),
	}

	t.Run("Control", func(t *testing.T) {
		opts := append(slices.Clip(Flags(path)), noProxy...)
		opts = append(opts, chromedp.Flag("host-resolver-rules", false))
		ctx := start(t, path, opts)
		if err := navigateErr(t, ctx, url); err != nil {
			t.Skipf("this Chromium does not resolve *.localhost itself, so the control fails: %v", err)
		}
	})
	t.Run("Rules", func(t *testing.T) {
		ctx := start(t, path, append(slices.Clip(Flags(path)), noProxy...))
		err := navigateErr(t, ctx, url)
		if err == nil || !strings.Contains(err.Error(), "ERR_NAME_NOT_RESOLVED") {
			t.Fatalf("navigate to %s: got %v, want net::ERR_NAME_NOT_RESOLVED", url, err)
		}
	})
}

// TestProxyTakesOtherHosts checks that a request to any host but loopback
// goes to the proxy: here a proxy of the test's own, on loopback, which
// sees the request for the other host. New's proxy is a closed port.
func TestProxyTakesOtherHosts(t *testing.T) {
	path := browserPath(t)
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Host)
		mu.Unlock()
		http.Error(w, "proxy says no", http.StatusBadGateway)
	}))
	defer proxy.Close()

	opts := append(slices.Clip(Flags(path)), chromedp.Flag("proxy-server", proxy.URL))
	ctx := start(t, path, opts)
	_ = navigateErr(t, ctx, "http://ponte-check.example/") // a 502 page or an error
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(seen, "ponte-check.example") {
		t.Fatalf("proxy saw hosts %q, want ponte-check.example", seen)
	}

	t.Run("ClosedByDefault", func(t *testing.T) {
		ctx := New(t)
		err := navigateErr(t, ctx, "http://ponte-check.example/")
		if err == nil {
			t.Fatal("navigation to another host succeeded")
		}
		t.Logf("navigation to another host: %v", err)
		if !strings.Contains(err.Error(), "ERR_PROXY_CONNECTION_FAILED") && !strings.Contains(err.Error(), "ERR_NAME_NOT_RESOLVED") {
			t.Errorf("got %v, want a proxy or resolver error", err)
		}
	})
}

func TestRecordRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>t</title>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA=">
<img src="http://ponte-blocked.example/pixel.gif">
<script src="/app.js"></script>`)
		case "/app.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `fetch("/api").then(() => { document.title = "done"; });`)
		default:
			fmt.Fprint(w, "{}")
		}
	}))
	defer srv.Close()

	ctx := New(t)
	reqs := RecordRequests(t, ctx)
	Do(t, ctx, "load", chromedp.Navigate(srv.URL))
	Run(t, ctx, "wait for the fetch", chromedp.Poll[bool](`document.title === "done"`))

	urls := reqs.URLs()
	for _, want := range []string{srv.URL + "/", srv.URL + "/app.js", srv.URL + "/api", "http://ponte-blocked.example/pixel.gif"} {
		if !slices.Contains(urls, want) {
			t.Errorf("recorded %q, missing %s", urls, want)
		}
	}
	host := srv.Listener.Addr().String()
	if got, want := reqs.OtherHosts(host), []string{"http://ponte-blocked.example/pixel.gif"}; !slices.Equal(got, want) {
		t.Errorf("OtherHosts(%s) = %q, want %q", host, got, want)
	}
	if got, want := reqs.NotLoopback(), []string{"http://ponte-blocked.example/pixel.gif"}; !slices.Equal(got, want) {
		t.Errorf("NotLoopback() = %q, want %q", got, want)
	}
}

// TestFindBrowserHonoursPonteChromium checks that PONTE_CHROMIUM picks the binary, by name or
// path, ahead of PONTE_BROWSER and of the search, and that a missing one is an error naming it.
func TestFindBrowserHonoursPonteChromium(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	t.Setenv("PONTE_BROWSER", "/nonexistent/chrome")
	t.Setenv("PONTE_CHROMIUM", "sh")
	if got, err := FindBrowser(); err != nil || got != sh {
		t.Errorf("PONTE_CHROMIUM=sh: FindBrowser() = %q, %v; want %q", got, err, sh)
	}
	t.Setenv("PONTE_CHROMIUM", "/nonexistent/chromium")
	if _, err := FindBrowser(); err == nil || !strings.Contains(err.Error(), "PONTE_CHROMIUM") {
		t.Errorf("missing PONTE_CHROMIUM binary: err = %v", err)
	}
	t.Setenv("PONTE_CHROMIUM", "")
	if _, err := FindBrowser(); err == nil || !strings.Contains(err.Error(), "PONTE_BROWSER") {
		t.Errorf("PONTE_BROWSER is no longer honoured: err = %v", err)
	}
}
