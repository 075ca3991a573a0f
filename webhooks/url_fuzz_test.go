package webhooks

import (
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ponte-bff/ponte/apperr"
)

// FuzzCheckURL: a webhook URL is refused with INVALID (REQUIRED when blank) on the url field, or
// accepted as a URL that the database takes (at most 2048 characters of valid UTF-8, starting with
// http(s)://), that checkURL accepts again unchanged, with no user info or fragment, over https
// (http only to localhost in development), and in production to no loopback, private or other
// non-public host however it is spelled (case, trailing dot, IPv6 zone, numeric IPv4 forms).
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://erp.example.com/webhooks", "https://erp.example.com:8443/hooks?tenant=1", "http://erp.example.com/webhooks",
		"http://localhost:8080/hooks", "https://localhost/hooks", "https://127.0.0.1/hooks", "https://10.0.0.7/hooks",
		"https://169.254.169.254/latest", "https://[::1]/hooks", "https://user:pass@erp.example.com/hooks", "/webhooks",
		"erp.example.com/webhooks", "ftp://erp.example.com/webhooks", "https://erp.example.com/hooks#x", "", " ",
		"http://127.0.0.1:8080/hooks", "http://[::1]:8080/hooks", "https://[::ffff:127.0.0.1]/", "https://[fe80::1%25eth0]/",
		"https://LOCALHOST/", "https://localhost./", "https://api.localhost/", "https://2130706433/", "https://0x7f.1/",
		"https://127.1/", "https://017700000001/", "https://100.64.0.1/", "https://[64:ff9b::a00:1]/", "HTTPS://ERP.EXAMPLE.COM/",
		"https://erp.example.com/" + strings.Repeat("é", 1000), "https://erp.example.com/a b", "https://erp.example.com/\xff",
		"https://erp.example.com:99999/", "https://[::1", "https://xn--bcher-kva.example/",
	} {
		f.Add(s)
	}
	prod := &Service{cfg: Config{}}
	dev := &Service{cfg: Config{Development: true}}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, s := range []*Service{prod, dev} {
			out, err := s.checkURL(raw)
			if err != nil {
				e, ok := apperr.As(err)
				want := apperr.Invalid
				if strings.TrimSpace(raw) == "" {
					want = apperr.Required
				}
				if !ok || e.Code != want || !slices.Equal(e.Field, []string{"url"}) || out != "" {
					t.Fatalf("checkURL(%.300q) (development %v) = %.300q, %v; want %s on url", raw, s.cfg.Development, out, err, want)
				}
				continue
			}
			checkAcceptedURL(t, s, raw, out)
		}
	})
}

func checkAcceptedURL(t *testing.T, s *Service, raw, out string) {
	t.Helper()
	fail := func(why string) {
		t.Helper()
		t.Fatalf("checkURL(%.300q) (development %v) accepted %.300q: %s", raw, s.cfg.Development, out, why)
	}
	if utf8.RuneCountInString(out) > 2048 || !utf8.ValidString(out) || strings.ContainsRune(out, 0) ||
		!(strings.HasPrefix(out, "https://") || strings.HasPrefix(out, "http://")) {
		fail("the webhook_endpoints table refuses it")
	}
	if again, err := s.checkURL(out); err != nil || again != out {
		fail("checking it again gives " + again + ", " + errString(err))
	}
	u, err := url.Parse(out)
	if err != nil || u.User != nil || u.Fragment != "" || u.Host == "" || u.Opaque != "" {
		fail("not an absolute URL without user info or fragment")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	local := host == "localhost" || strings.HasSuffix(host, ".localhost")
	addr, isIP := literalAddr(host)
	if isIP && addr.IsLoopback() {
		local = true
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && s.cfg.Development && local:
	default:
		fail("scheme " + u.Scheme)
	}
	if s.cfg.Development {
		return
	}
	if local {
		fail("a local host in production")
	}
	if isIP && !publicIP(net.IP(addr.AsSlice())) {
		fail("a non-public address in production")
	}
	if !isIP && endsInNumber(host) {
		fail("a host that resolvers read as an IPv4 address in another notation")
	}
}

// literalAddr reads host as an IP address literal, ignoring any IPv6 zone.
func literalAddr(host string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone(""), true
}

// endsInNumber reports whether the last label of host is a number (decimal, octal or 0x hex),
// which the WHATWG URL standard and inet_aton read as part of an IPv4 address ("127.1",
// "2130706433", "0x7f.1"): no public DNS name ends in one.
func endsInNumber(host string) bool {
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	if h, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
