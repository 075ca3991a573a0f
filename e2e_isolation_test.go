package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestTenantNeverReachesAnotherTenantsAccount is the authorization matrix of this stage
// (Treasury model): every way to reach an account, by every caller that must not.
func TestTenantNeverReachesAnotherTenantsAccount(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tokA, tokB, op := tenantToken(t, s), tenant2Token(t, s), operatorToken(t, s)
	vec := vectors(t)
	a := create(t, s, tokA, map[string]any{"name": "Cliente A", "email": "a@example.com", "document": vec["cpf"].Valid[5].Raw}).Account
	approved, _ := review(t, s, op, a.ID, "APPROVE")
	bankID := approved.Account.BankAccount.ID
	holder := holderTokens(t, s).AccessToken

	byID := map[string]string{
		"account":         `query($id: ID!) { account(id: $id) { id name } }`,
		"node":            `query($id: ID!) { node(id: $id) { id ... on Account { name } } }`,
		"nodeBankAccount": `query($id: ID!) { node(id: $id) { id } }`,
	}
	for _, who := range []struct{ name, token string }{{"otherTenant", tokB}, {"unrelatedHolder", holder}} {
		for q, query := range byID {
			id := a.ID
			if q == "nodeBankAccount" {
				id = bankID
			}
			r := gql(t, s, who.token, query, map[string]any{"id": id})
			if r.code() != "FORBIDDEN" || strings.Contains(string(r.Data[strings.TrimSuffix(q, "BankAccount")]), "Cliente") {
				t.Errorf("%s via %s: code %q data %s", who.name, q, r.code(), r.Data)
			}
		}
		var conn struct{ TotalCount int }
		gql(t, s, who.token, `{ accounts { totalCount nodes { id } } }`, nil).decode(t, "accounts", &conn)
		if who.name == "otherTenant" && conn.TotalCount != 0 {
			t.Errorf("%s lists %d accounts", who.name, conn.TotalCount)
		}
	}

	t.Run("ForbiddenLooksTheSameAsMissing", func(t *testing.T) {
		missing := gql(t, s, tokB, byID["account"], map[string]any{"id": "cDE6QWNjb3VudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE"})
		other := gql(t, s, tokB, byID["account"], map[string]any{"id": a.ID})
		if missing.code() != other.code() || missing.Errors[0].Message != other.Errors[0].Message {
			t.Fatalf("missing %+v vs other's %+v", missing.Errors, other.Errors)
		}
	})

	t.Run("OwnerAndOperatorDoReach", func(t *testing.T) {
		for name, tok := range map[string]string{"owner": tokA, "operator": op} {
			r := gql(t, s, tok, byID["account"], map[string]any{"id": a.ID})
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data["account"]), "Cliente A") {
				t.Errorf("%s: %+v", name, r.Errors)
			}
		}
	})

	t.Run("TenantWithoutAccountsReadScopeIsForbidden", func(t *testing.T) {
		if err := s.db.Exec(`UPDATE tenants SET allowed_scopes = '{accounts:create}' WHERE client_id = 'demo-erp'`).Error; err != nil {
			t.Fatal(err)
		}
		defer s.db.Exec(`UPDATE tenants SET allowed_scopes = '{accounts:read,accounts:create}' WHERE client_id = 'demo-erp'`)
		tok := tenantToken(t, s)
		if r := gql(t, s, tok, byID["account"], map[string]any{"id": a.ID}); r.code() != "FORBIDDEN" || r.Status != http.StatusOK {
			t.Errorf("account without accounts:read: %d %+v", r.Status, r.Errors)
		}
		if r := gql(t, s, tok, `{ accounts { totalCount } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("accounts without accounts:read: %+v", r.Errors)
		}
	})
}
