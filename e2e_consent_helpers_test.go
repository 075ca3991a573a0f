package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const requestConsentMutation = `mutation($input: RequestConsentInput!) {
  requestConsent(input: $input) {
    consent { id status scopes authorizationUrl expiresAt account { id } tenant { clientId } }
    userErrors { field code message }
  }
}`

type consentOut struct {
	ID               string
	Status           string
	Scopes           []string
	AuthorizationURL *string
	Account          *struct{ ID string }
}

type consentPayload struct {
	Consent    *consentOut
	UserErrors []userError
}

func requestConsent(t testing.TB, s *testServer, token string, input map[string]any) consentPayload {
	t.Helper()
	if _, ok := input["redirectUri"]; !ok {
		input["redirectUri"] = "http://localhost:3000/consent/callback"
	}
	r := gql(t, s, token, requestConsentMutation, map[string]any{"input": input})
	if len(r.Errors) > 0 {
		t.Fatalf("requestConsent: %+v", r.Errors)
	}
	var p consentPayload
	r.decode(t, "requestConsent", &p)
	return p
}

// demoAccountID is the seeded demo holder's account, which no tenant operates.
func demoAccountID(t testing.TB, s *testServer) string {
	t.Helper()
	var id string
	if err := s.db.Raw("SELECT id FROM accounts WHERE document = '39053344705'").Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("demo account: %v", err)
	}
	return encodeAccountID(id)
}

// holderBrowser is a person's browser: it keeps cookies and stops at the tenant's redirect URI.
type holderBrowser struct {
	t      testing.TB
	client *http.Client
}

// The demo tenants' redirect URIs (localhost:3000 and :3001) are not served: the browser stops there.
const tenantRedirectPrefix = "http://localhost:300"

func newHolderBrowser(t testing.TB) *holderBrowser {
	jar, _ := cookiejar.New(nil)
	return &holderBrowser{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), tenantRedirectPrefix) {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

// page is one response the browser landed on.
type page struct {
	status int
	url    *url.URL
	body   string
	header http.Header
}

func (b *holderBrowser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, url: resp.Request.URL, body: string(body), header: resp.Header}
}

func (b *holderBrowser) get(u string) page {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

func (b *holderBrowser) post(u string, form url.Values) page {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login fills the provider's login form on p and returns the page it leads to.
func (b *holderBrowser) login(p page, username, password string) page {
	b.t.Helper()
	action, hidden := loginForm(b.t, p.url, p.body)
	form := url.Values{"username": {username}, "password": {password}}
	for k, v := range hidden {
		form.Set(k, v)
	}
	return b.post(action, form)
}

var inputTag = regexp.MustCompile(`<input[^>]*>`)

// formFields reads the hidden inputs and the first checked radio of a page's form.
func formFields(body string) url.Values {
	v := url.Values{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		var name, value string
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			if a[1] == "name" {
				name = a[2]
			} else {
				value = htmlUnescape(a[2])
			}
		}
		if strings.Contains(tag, `type="hidden"`) || (strings.Contains(tag, `type="radio"`) && strings.Contains(tag, "checked") && v.Get(name) == "") {
			v.Set(name, value)
		}
	}
	return v
}

// decide posts the consent page's form with decision, as its buttons do.
func (b *holderBrowser) decide(s *testServer, consentPage page, decision string) page {
	form := formFields(consentPage.body)
	form.Set("decision", decision)
	return b.post(s.URL+"/consents/decide", form)
}

// journeyToConsentPage follows the authorization link, logs in and returns the consent page.
func (b *holderBrowser) journeyToConsentPage(link, username, password string) page {
	b.t.Helper()
	p := b.get(link)
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="password"`) {
		b.t.Fatalf("authorization link did not lead to the login form: %d %s\n%s", p.status, p.url, p.body)
	}
	return b.login(p, username, password)
}

func redirectResult(t testing.TB, p page) url.Values {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, tenantRedirectPrefix) {
		t.Fatalf("want a 303 to the tenant's redirect URI, got %d %q\n%s", p.status, loc, p.body)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

// callbackURL logs in on the provider's form (p) and returns the provider's redirect to Ponte's
// callback without following it.
func (b *holderBrowser) callbackURL(p page) string {
	b.t.Helper()
	saved := b.client.CheckRedirect
	b.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.Contains(req.URL.Path, "/consents/callback") {
			return http.ErrUseLastResponse
		}
		return saved(req, via)
	}
	defer func() { b.client.CheckRedirect = saved }()
	resp := b.login(p, "holder", "holder")
	cb := resp.header.Get("Location")
	if !strings.Contains(cb, "/consents/callback") {
		b.t.Fatalf("no redirect to the callback: %d %s", resp.status, cb)
	}
	return cb
}
