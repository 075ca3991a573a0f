package main

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

const viewerQuery = `{ viewer { kind subject clientId scopes document tenant { name clientId } } }`

type viewer struct {
	Kind     string
	Subject  string
	ClientID string
	Scopes   []string
	Document *string
	Tenant   *struct{ Name, ClientID string }
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)

	t.Run("ClientSecretInBasicAndInForm", func(t *testing.T) {
		basic := tenantToken(t, s)
		status, form := postToken(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-erp"}, "client_secret": {"demo-erp-secret"}}, "", "")
		if status != http.StatusOK {
			t.Fatalf("client_secret_post: HTTP %d %+v", status, form)
		}
		for _, tok := range []string{basic, form.AccessToken} {
			var v viewer
			gql(t, s, tok, viewerQuery, nil).decode(t, "viewer", &v)
			if v.Kind != "TENANT" || v.ClientID != "demo-erp" || v.Tenant == nil || v.Tenant.Name != "Demo ERP" || !slices.Contains(v.Scopes, "accounts:create") {
				t.Fatalf("viewer = %+v", v)
			}
		}
	})

	t.Run("PrivateKeyJWT", func(t *testing.T) {
		status, tr := postToken(t, s, url.Values{
			"grant_type": {"client_credentials"}, "client_id": {"demo-erp"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {clientAssertion(t, s.Issuer)},
		}, "", "")
		if status != http.StatusOK {
			t.Fatalf("private_key_jwt: HTTP %d %+v", status, tr)
		}
		var v viewer
		gql(t, s, tr.AccessToken, viewerQuery, nil).decode(t, "viewer", &v)
		if v.Kind != "TENANT" || v.ClientID != "demo-erp" {
			t.Fatalf("viewer = %+v", v)
		}
	})

	t.Run("OperatorByRoleClaim", func(t *testing.T) {
		var v viewer
		gql(t, s, operatorToken(t, s), viewerQuery, nil).decode(t, "viewer", &v)
		if v.Kind != "OPERATOR" || v.Tenant != nil {
			t.Fatalf("viewer = %+v", v)
		}
	})

	t.Run("HolderByInteractiveLogin", func(t *testing.T) {
		tr := holderTokens(t, s)
		var v viewer
		gql(t, s, tr.AccessToken, viewerQuery, nil).decode(t, "viewer", &v)
		if v.Kind != "HOLDER" || v.Document == nil || *v.Document != "39053344705" {
			t.Fatalf("viewer = %+v", v)
		}
		// The demo holder sees their seeded, approved account and nothing else.
		var conn struct {
			TotalCount int
			Nodes      []struct{ Document, Status string }
		}
		gql(t, s, tr.AccessToken, `{ accounts { totalCount nodes { document status } } }`, nil).decode(t, "accounts", &conn)
		if conn.TotalCount != 1 || conn.Nodes[0].Document != "39053344705" || conn.Nodes[0].Status != "APPROVED" {
			t.Fatalf("holder accounts = %+v", conn)
		}
		// An ID token is not an access token for Ponte: its audience is the app, not "ponte".
		if r := gql(t, s, tr.IDToken, viewerQuery, nil); r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Fatalf("ID token accepted as access token: %d %+v", r.Status, r.Errors)
		}
	})

	t.Run("ErrMissingOrBadTokenIsUnauthenticated401", func(t *testing.T) {
		tok := tenantToken(t, s)
		for name, token := range map[string]string{"missing": "", "garbage": "not-a-jwt", "tampered": tok[:len(tok)-4] + "AAAA"} {
			r := gql(t, s, token, viewerQuery, nil)
			if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" || r.Data != nil {
				t.Errorf("%s token: HTTP %d code %q data %v", name, r.Status, r.code(), r.Data)
			}
		}
	})

	t.Run("ErrUnknownOrDisabledTenantIsForbidden", func(t *testing.T) {
		tok := tenant2Token(t, s)
		if err := s.db.Exec("UPDATE tenants SET disabled_at = ? WHERE client_id = 'demo-erp-2'", time.Now()).Error; err != nil {
			t.Fatal(err)
		}
		if r := gql(t, s, tok, viewerQuery, nil); r.Status != http.StatusForbidden || r.code() != "FORBIDDEN" {
			t.Fatalf("disabled tenant: HTTP %d %+v", r.Status, r.Errors)
		}
		if err := s.db.Exec("DELETE FROM tenants WHERE client_id = 'demo-erp-2'").Error; err != nil {
			t.Fatal(err)
		}
		if r := gql(t, s, tok, viewerQuery, nil); r.Status != http.StatusForbidden || r.code() != "FORBIDDEN" {
			t.Fatalf("unknown tenant: HTTP %d %+v", r.Status, r.Errors)
		}
	})

	t.Run("AnonymousIntrospectionForTheIDE", func(t *testing.T) {
		r := gql(t, s, "", `{ __schema { queryType { name } } }`, nil)
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("introspection without token: HTTP %d %+v", r.Status, r.Errors)
		}
		// ...but a query that mixes in real data still needs a token.
		if r := gql(t, s, "", `{ __schema { queryType { name } } viewer { kind } }`, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("mixed anonymous query: HTTP %d", r.Status)
		}
	})
}

func TestProductionRefusesToStartWithoutIssuer(t *testing.T) {
	t.Parallel()
	_, err := loadConfig(func(k string) string { return map[string]string{"PONTE_ENV": "production"}[k] })
	if err == nil {
		t.Fatal("production started without OIDC_ISSUER")
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"PONTE_ENV": "staging"}[k] }); err == nil {
		t.Fatal("an unknown PONTE_ENV was accepted")
	}
}
