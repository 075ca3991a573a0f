package browsertest

import (
	"context"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Requests records the URL of every request the page of a tab makes:
// documents, scripts, styles, fonts, fetches and WebSocket handshakes,
// including requests that fail or that the page's CSP or the closed
// network stop. It does not see requests made by workers, which run in
// targets of their own.
type Requests struct {
	mu   sync.Mutex
	urls []string
}

// RecordRequests starts recording the requests of the tab of ctx (from
// [New]). Call it before the navigation whose requests you want. It fails
// the test if ctx is not a chromedp context.
func RecordRequests(t testing.TB, ctx context.Context) *Requests {
	t.Helper()
	r := &Requests{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r.add(ev.Request.URL)
		case *network.EventWebSocketCreated:
			r.add(ev.URL)
		}
	})
	if err != nil {
		t.Fatalf("recording requests: %v", err)
	}
	return r
}

func (r *Requests) add(u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.urls = append(r.urls, u)
}

// URLs returns the recorded URLs in the order the page made the requests.
func (r *Requests) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.urls)
}

// OtherHosts returns the recorded URLs that went to the network but not to
// one of hosts, given as "host:port" as in a URL (for an httptest.Server:
// srv.Listener.Addr().String()). URLs that never reach the network (data:,
// blob:, about:) are left out; any other URL without a matching host is
// returned, whatever its scheme.
func (r *Requests) OtherHosts(hosts ...string) []string {
	var out []string
	for _, raw := range r.URLs() {
		u, err := url.Parse(raw)
		if err != nil {
			out = append(out, raw)
			continue
		}
		switch strings.ToLower(u.Scheme) {
		case "data", "blob", "about":
			continue
		}
		if !slices.Contains(hosts, u.Host) {
			out = append(out, raw)
		}
	}
	return out
}

// NotLoopback returns the recorded URLs that went to the network but not
// to localhost or a loopback IP address.
func (r *Requests) NotLoopback() []string {
	var out []string
	for _, raw := range r.URLs() {
		u, err := url.Parse(raw)
		if err != nil {
			out = append(out, raw)
			continue
		}
		switch strings.ToLower(u.Scheme) {
		case "data", "blob", "about":
			continue
		}
		if !isLoopback(u.Hostname()) {
			out = append(out, raw)
		}
	}
	return out
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
