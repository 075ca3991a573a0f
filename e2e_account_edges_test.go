package main

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestAccountsPageEdgesAnswerEachAccountAsAlone: under a page of accounts, contacts, boletos and
// boletoLimits (batch resolvers) give each account what account(id) gives it alone. The tenant's
// own account shows its contacts with their bank accounts, its boletos and its limits; the
// holder's account, read under a consent without contacts:manage, shows its boletos and limits,
// and its contacts are FORBIDDEN at that account's own path and nowhere else.
func TestAccountsPageEdgesAnswerEachAccountAsAlone(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok, op := tenant2Token(t, s), operatorToken(t, s)
	own := approvedAccount(t, s, tok, cpfFor(1))
	holders := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3001/consent/callback", holders, "accounts:read")
	for i, name := range []string{"Fornecedor Um", "Fornecedor Dois"} {
		createContact(t, s, tok, map[string]any{"accountId": own, "name": name, "document": cpfFor(10 + i),
			"bankAccounts": []any{map[string]any{"bankCode": "341", "branchCode": "1", "accountCode": "56789-0"},
				map[string]any{"bankCode": "001", "branchCode": "2", "accountCode": "1234-5"}}})
	}
	freshContact(t, s, holders, "contact") // the holder's own contact: not for this tenant to read
	issueMatrixBoleto(t, s, tok, own, "edges-1")
	issueMatrixBoleto(t, s, tok, own, "edges-2")
	r := gql(t, s, op, `mutation($a: ID!) { setBoletoLimits(input: {accountId: $a, minimum: "10.00", maximum: "20000.00"}) { userErrors { code } } }`,
		map[string]any{"a": holders})
	if len(r.Errors) > 0 || string(r.Data["setBoletoLimits"]) != `{"userErrors":[]}` {
		t.Fatalf("setBoletoLimits: %+v %s", r.Errors, r.Data["setBoletoLimits"])
	}

	const edges = `boletos(first: 5) { nodes { id status amount { amount } } pageInfo { hasNextPage } }
		boletoLimits { minimum { amount } maximum { amount } }`
	const contacts = `contacts(first: 5) { nodes { id name bankAccounts { accountCode institution { code } } } pageInfo { hasNextPage } }`
	// alone is what account(id) answers for each account of the page, with fields.
	alone := func(token, fields string, ids []string) []json.RawMessage {
		t.Helper()
		var out []json.RawMessage
		for _, id := range ids {
			var acc json.RawMessage
			gql(t, s, token, `query($id: ID!) { account(id: $id) { id `+fields+` } }`, map[string]any{"id": id}).decode(t, "account", &acc)
			out = append(out, acc)
		}
		return out
	}
	page := func(token, fields string) []json.RawMessage {
		t.Helper()
		var conn struct{ Nodes []json.RawMessage }
		gql(t, s, token, `{ accounts(first: 50) { nodes { id `+fields+` } } }`, nil).decode(t, "accounts", &conn)
		return conn.Nodes
	}
	ids := idsOf(t, page(tok, ""))
	if len(ids) != 2 || !slices.Contains(ids, own) || !slices.Contains(ids, holders) {
		t.Fatalf("the tenant's page: %v, want its own account and the holder's", ids)
	}

	t.Run("Values", func(t *testing.T) {
		for _, c := range []struct{ who, token, fields string }{
			{"tenant", tok, edges},
			{"operator", op, edges + contacts}, // an operator reads every account's contacts
		} {
			got := page(c.token, c.fields)
			if a, b := mustJSON(t, got), mustJSON(t, alone(c.token, c.fields, idsOf(t, got))); a != b {
				t.Errorf("%s: page %s, account(id) one by one %s", c.who, a, b)
			}
		}
		var mine struct {
			Boletos  struct{ Nodes []struct{ ID string } }
			Contacts struct {
				Nodes []struct {
					BankAccounts []struct{ AccountCode string }
				}
			}
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { `+edges+contacts+` } }`, map[string]any{"id": own}).decode(t, "account", &mine)
		if len(mine.Boletos.Nodes) != 2 || len(mine.Contacts.Nodes) != 2 || len(mine.Contacts.Nodes[0].BankAccounts) != 2 {
			t.Fatalf("the own account's boletos and contacts: %+v", mine)
		}
	})

	t.Run("RefusedAtItsOwnPath", func(t *testing.T) {
		r := gql(t, s, tok, `{ accounts(first: 50) { nodes { id `+edges+contacts+` } } }`, nil)
		k := slices.Index(ids, holders)
		if len(r.Errors) != 1 || r.code() != "FORBIDDEN" || mustJSON(t, r.Errors[0].Path) != mustJSON(t, []any{"accounts", "nodes", k, "contacts"}) {
			t.Fatalf("errors %+v, want one FORBIDDEN at accounts.nodes.%d.contacts", r.Errors, k)
		}
		one := gql(t, s, tok, `query($id: ID!) { account(id: $id) { `+contacts+` } }`, map[string]any{"id": holders})
		if len(one.Errors) != 1 || one.Errors[0].Message != r.Errors[0].Message || mustJSON(t, one.Errors[0].Extensions) != mustJSON(t, r.Errors[0].Extensions) {
			t.Fatalf("account(id) alone: %+v, in the page: %+v", one.Errors, r.Errors)
		}
		bad := gql(t, s, tok, `{ accounts(first: 50) { nodes { id contacts(first: -1) { totalCount } } } }`, nil)
		var codes []string
		for _, e := range bad.Errors {
			codes = append(codes, mustJSON(t, e.Path)+" "+e.Extensions["code"].(string))
		}
		slices.Sort(codes)
		want := []string{mustJSON(t, []any{"accounts", "nodes", k, "contacts"}) + " FORBIDDEN",
			mustJSON(t, []any{"accounts", "nodes", 1 - k, "contacts"}) + " " + codeOf(t, gql(t, s, tok, `query($id: ID!) { account(id: $id) { contacts(first: -1) { totalCount } } }`, map[string]any{"id": own}))}
		slices.Sort(want)
		if !slices.Equal(codes, want) {
			t.Fatalf("a bad first on the page: %v, want %v", codes, want)
		}
	})
}

// idsOf is the ids of a page's nodes, in order.
func idsOf(t *testing.T, nodes []json.RawMessage) []string {
	t.Helper()
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		var a struct{ ID string }
		if err := json.Unmarshal(n, &a); err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	return ids
}

// codeOf is the code of the one error of r.
func codeOf(t *testing.T, r gqlResponse) string {
	t.Helper()
	if len(r.Errors) != 1 {
		t.Fatalf("errors %+v, want one", r.Errors)
	}
	return r.code()
}
