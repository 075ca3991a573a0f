package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

// cpfFor builds a valid CPF from a number, so benchmarks can open as many accounts as they need.
func cpfFor(n int) string {
	base := fmt.Sprintf("%09d", 100000000+n)
	for dv := 0; dv < 100; dv++ {
		if d, err := brazil.ParseCPF(fmt.Sprintf("%s%02d", base, dv)); err == nil {
			return d.Number
		}
	}
	panic("no CPF for " + base)
}

// BenchmarkCreateAccount measures createAccount end to end: HTTP, token verification, tenant
// lookup, validation and the insert transaction.
func BenchmarkCreateAccount(b *testing.B) {
	s := startServer(b, nil)
	tok := tenantToken(b, s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := create(b, s, tok, map[string]any{"name": "Bench", "email": "b@example.com", "document": cpfFor(i)})
		if p.Account == nil {
			b.Fatalf("%+v", p.UserErrors)
		}
	}
}

// BenchmarkAccountsPage50 measures one 50-account page of `accounts` with bank accounts and limits.
func BenchmarkAccountsPage50(b *testing.B) {
	s := startServer(b, nil)
	tok, op := tenantToken(b, s), operatorToken(b, s)
	for i := 0; i < 60; i++ {
		a := create(b, s, tok, map[string]any{"name": "Bench", "email": "b@example.com", "document": cpfFor(i)}).Account
		review(b, s, op, a.ID, "APPROVE")
	}
	const q = `{ accounts(first: 50) { totalCount nodes { id name document status bankAccount { accountCode } limits { daily { amount } } } } }`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := gql(b, s, tok, q, nil); len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
	}
}

// BenchmarkAccountsPage50WithBalances is the same page with every account's balance and limit
// usage: batch resolvers read them for the whole page at once.
func BenchmarkAccountsPage50WithBalances(b *testing.B) {
	s := startServer(b, nil)
	tok, op := tenantToken(b, s), operatorToken(b, s)
	for i := 0; i < 60; i++ {
		a := create(b, s, tok, map[string]any{"name": "Bench", "email": "b@example.com", "document": cpfFor(i)}).Account
		review(b, s, op, a.ID, "APPROVE")
	}
	const q = `{ accounts(first: 50) { nodes { id balance { available { amount } } limits { dailyUsed { amount } } } } }`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := gql(b, s, tok, q, nil); len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
	}
}

// BenchmarkAccountsPage50WithContactsAndBoletos is the page with every account's contacts (with
// their bank accounts), boletos and boleto limits: batch resolvers read each for the whole page.
func BenchmarkAccountsPage50WithContactsAndBoletos(b *testing.B) {
	s := startServer(b, nil)
	tok, op := tenantToken(b, s), operatorToken(b, s)
	for i := 0; i < 60; i++ {
		a := create(b, s, tok, map[string]any{"name": "Bench", "email": "b@example.com", "document": cpfFor(i)}).Account
		review(b, s, op, a.ID, "APPROVE")
		for _, setup := range []struct{ field, query string }{
			{"createContact", `mutation($a: ID!, $doc: String!) { createContact(input: {accountId: $a, name: "Fornecedor", document: $doc,
				bankAccounts: [{bankCode: "341", branchCode: "1", accountCode: "56789-0"}]}) { userErrors { code } } }`},
			{"issueBoleto", `mutation($a: ID!, $due: Date!, $key: String!) { issueBoleto(input: {accountId: $a, kind: PROPOSTA, amount: "30.00", dueDate: $due,
				customer: {name: "Cliente", document: "24843803480"}, idempotencyKey: $key}) { userErrors { code } } }`},
		} {
			r := gql(b, s, tok, setup.query, map[string]any{"a": a.ID, "doc": cpfFor(1000 + i), "due": matrixDue, "key": fmt.Sprintf("bench-%d", i)})
			if len(r.Errors) > 0 || strings.Contains(string(r.Data[setup.field]), "code") {
				b.Fatalf("%s: %+v %s", setup.field, r.Errors, r.Data[setup.field])
			}
		}
	}
	const q = `{ accounts(first: 50) { nodes { id contacts(first: 5) { nodes { id bankAccounts { accountCode } } }
		boletos(first: 5) { nodes { id status } } boletoLimits { minimum { amount } maximum { amount } } } } }`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := gql(b, s, tok, q, nil); len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
	}
}

// BenchmarkParseDocument measures CPF and alphanumeric CNPJ validation alone.
func BenchmarkParseDocument(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := brazil.ParseDocument("12.ABC.345/01DE-35", ""); err != nil {
			b.Fatal(err)
		}
		if _, err := brazil.ParseDocument("248.438.034-80", ""); err != nil {
			b.Fatal(err)
		}
	}
}
