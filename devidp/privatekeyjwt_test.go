package devidp_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestPrivateKeyJWT(t *testing.T) {
	i := startDemo(t)
	key := demoERPKey(t)
	refused := func(t *testing.T, c assertionClaims, signWith any) {
		t.Helper()
		r := postToken(t, i.tokenURL(), assertionForm(signAssertion(t, signWith, jose.RS256, c), nil), "", "")
		wantOAuthError(t, r, http.StatusUnauthorized, "invalid_client")
	}

	t.Run("GoodAssertionGivesAToken", func(t *testing.T) {
		for _, aud := range []string{i.issuer, i.tokenURL()} {
			r := postToken(t, i.tokenURL(), assertionForm(signAssertion(t, key, jose.RS256, goodAssertion("demo-erp", aud)), nil), "", "")
			if r.status != http.StatusOK {
				t.Fatalf("aud %s: got %d %v", aud, r.status, r.body)
			}
			c := i.verifyAccessToken(t, r.str("access_token"))
			if c.ClientID != "demo-erp" || c.Azp != "demo-erp" || c.Scope == "" {
				t.Fatalf("claims: %+v", c)
			}
		}
	})

	t.Run("ClientIDBesideTheAssertionMustMatch", func(t *testing.T) {
		ok := assertionForm(signAssertion(t, key, jose.RS256, goodAssertion("demo-erp", i.issuer)), url.Values{"client_id": {"demo-erp"}})
		if r := postToken(t, i.tokenURL(), ok, "", ""); r.status != http.StatusOK {
			t.Fatalf("matching client_id: got %d %v", r.status, r.body)
		}
		bad := assertionForm(signAssertion(t, key, jose.RS256, goodAssertion("demo-erp", i.issuer)), url.Values{"client_id": {"demo-erp-2"}})
		wantOAuthError(t, postToken(t, i.tokenURL(), bad, "", ""), http.StatusUnauthorized, "invalid_client")
	})

	t.Run("WrongKeyIsInvalidClient", func(t *testing.T) {
		refused(t, goodAssertion("demo-erp", i.issuer), newRSAKey(t))
	})

	t.Run("ClientWithoutAKeyIsInvalidClient", func(t *testing.T) {
		refused(t, goodAssertion("demo-erp-2", i.issuer), key)
	})

	t.Run("ExpiredIsInvalidClient", func(t *testing.T) {
		c := goodAssertion("demo-erp", i.issuer)
		c.Expiry = time.Now().Add(-time.Minute).Unix()
		refused(t, c, key)
	})

	t.Run("ExpMoreThan15MinutesAheadIsInvalidClient", func(t *testing.T) {
		c := goodAssertion("demo-erp", i.issuer)
		c.Expiry = time.Now().Add(20 * time.Minute).Unix()
		refused(t, c, key)
	})

	t.Run("MissingExpIsInvalidClient", func(t *testing.T) {
		c := goodAssertion("demo-erp", i.issuer)
		c.Expiry = 0
		refused(t, c, key)
	})

	t.Run("WrongAudienceIsInvalidClient", func(t *testing.T) {
		refused(t, goodAssertion("demo-erp", "https://elsewhere.example/token"), key)
		refused(t, goodAssertion("demo-erp", i.issuer+"/"), key)
	})

	t.Run("ReplayedJTIIsInvalidClient", func(t *testing.T) {
		form := assertionForm(signAssertion(t, key, jose.RS256, goodAssertion("demo-erp", i.issuer)), nil)
		if r := postToken(t, i.tokenURL(), form, "", ""); r.status != http.StatusOK {
			t.Fatalf("first use: got %d %v", r.status, r.body)
		}
		wantOAuthError(t, postToken(t, i.tokenURL(), form, "", ""), http.StatusUnauthorized, "invalid_client")
	})

	t.Run("MissingJTIIsInvalidClient", func(t *testing.T) {
		c := goodAssertion("demo-erp", i.issuer)
		c.ID = ""
		refused(t, c, key)
	})

	t.Run("SubjectOtherThanTheClientIsInvalidClient", func(t *testing.T) {
		c := goodAssertion("demo-erp", i.issuer)
		c.Subject = "demo-erp-2"
		refused(t, c, key)
	})

	t.Run("OnlyRS256IsAccepted", func(t *testing.T) {
		hs := signAssertion(t, []byte("demo-erp-secret-demo-erp-secret!"), jose.HS256, goodAssertion("demo-erp", i.issuer))
		wantOAuthError(t, postToken(t, i.tokenURL(), assertionForm(hs, nil), "", ""), http.StatusUnauthorized, "invalid_client")
		ps := signAssertion(t, key, jose.PS256, goodAssertion("demo-erp", i.issuer))
		wantOAuthError(t, postToken(t, i.tokenURL(), assertionForm(ps, nil), "", ""), http.StatusUnauthorized, "invalid_client")
	})
}
