package devidp_test

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/ponte-bff/ponte/devidp"
)

// browser is a cookie-keeping client that follows redirects until the
// client's redirect URI (stopAt), where the client app would take over.
func browser(t *testing.T, stopAt string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), stopAt) {
				return http.ErrUseLastResponse
			}
			if len(via) > 10 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

type page struct {
	status   int
	location string
	body     string
}

func fetch(t *testing.T, c *http.Client, method, target string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctxT(t), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw)}
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	hiddenID   = regexp.MustCompile(`name="authRequestID" value="([^"]+)"`)
)

// loginForm reads the login form's action and hidden request id.
func loginForm(t *testing.T, p page) (action, id string) {
	t.Helper()
	a, h := formAction.FindStringSubmatch(p.body), hiddenID.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || a == nil || h == nil ||
		!strings.Contains(p.body, `name="username"`) || !strings.Contains(p.body, `name="password"`) {
		t.Fatalf("not the login form: %d %s", p.status, p.body)
	}
	return a[1], h[1]
}

// holderFlow is one authorization request of a client, by default the
// holder app.
type holderFlow struct {
	conf                   *oauth2.Config
	verifier, state, nonce string
	browser                *http.Client
}

func (i *idp) newHolderFlow(t *testing.T) *holderFlow {
	ep := i.rp.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams // a public client sends only its client_id
	return i.newFlow(t, &oauth2.Config{
		ClientID:    devidp.DemoHolderClientID,
		Endpoint:    ep,
		RedirectURL: devidp.DemoHolderRedirectURI,
		Scopes:      []string{oidc.ScopeOpenID, "profile", "email", "accounts:read", "payments:initiate"},
	})
}

func (i *idp) newFlow(t *testing.T, conf *oauth2.Config) *holderFlow {
	return &holderFlow{
		conf:     conf,
		verifier: oauth2.GenerateVerifier(),
		state:    rand.Text(),
		nonce:    rand.Text(),
		browser:  browser(t, conf.RedirectURL),
	}
}

func (f *holderFlow) authURL(opts ...oauth2.AuthCodeOption) string {
	opts = append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.verifier), oidc.Nonce(f.nonce)}, opts...)
	return f.conf.AuthCodeURL(f.state, opts...)
}

// login opens the authorization URL, fills the form and returns the code
// delivered to the redirect URI.
func (f *holderFlow) login(t *testing.T, username, password string, opts ...oauth2.AuthCodeOption) string {
	t.Helper()
	return f.loginAt(t, f.authURL(opts...), username, password)
}

func (f *holderFlow) loginAt(t *testing.T, authURL, username, password string) string {
	t.Helper()
	action, id := loginForm(t, fetch(t, f.browser, http.MethodGet, authURL, nil))
	done := fetch(t, f.browser, http.MethodPost, action, url.Values{
		"authRequestID": {id}, "username": {username}, "password": {password},
	})
	return f.codeFrom(t, done)
}

func (f *holderFlow) codeFrom(t *testing.T, p page) string {
	t.Helper()
	if p.status != http.StatusFound || !strings.HasPrefix(p.location, f.conf.RedirectURL+"?") {
		t.Fatalf("want a redirect to the app, got %d %q %s", p.status, p.location, p.body)
	}
	u, _ := url.Parse(p.location)
	q := u.Query()
	if q.Get("state") != f.state || q.Get("code") == "" || q.Get("error") != "" {
		t.Fatalf("callback query: %v", q)
	}
	return q.Get("code")
}

func (f *holderFlow) exchange(t *testing.T, code, verifier string) (*oauth2.Token, error) {
	return f.conf.Exchange(ctxT(t), code, oauth2.VerifierOption(verifier))
}

// wantRetrieveError checks that a token exchange failed with code.
func wantRetrieveError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}
