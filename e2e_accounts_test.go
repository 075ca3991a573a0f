package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

const createAccount = `mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    account { id name email mobileNumber dateOfBirth document documentType status bankAccount { id } limits { plan daily { amount currency } monthly { amount } } }
    userErrors { field code message }
  }
}`

const reviewKyc = `mutation($input: ReviewKycInput!) {
  reviewKyc(input: $input) {
    account { id status bankAccount { id accountCode branchCode accountType institution { name ispb code } } limits { plan daily { amount } } }
    userErrors { field code message }
  }
}`

type accountOut struct {
	ID, Name, Email, Document, DocumentType, Status string
	MobileNumber, DateOfBirth                       *string
	BankAccount                                     *struct {
		ID, AccountCode, BranchCode, AccountType string
		Institution                              struct{ Name, Ispb, Code string }
	}
	Limits struct {
		Plan  *string
		Daily struct{ Amount, Currency string }
	}
}

type userError struct {
	Field   []string
	Code    string
	Message string
}

type accountPayload struct {
	Account    *accountOut
	UserErrors []userError
}

// vectors reads the project's Brazilian test vectors (a copy lives in brazil/testdata).
func vectors(t testing.TB) map[string]struct {
	Valid   []struct{ Raw, Formatted string }
	Invalid []struct{ Value, Kind string }
} {
	t.Helper()
	raw, err := os.ReadFile("brazil/testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct {
		Valid   []struct{ Raw, Formatted string }
		Invalid []struct{ Value, Kind string }
	}{}
	for _, k := range []string{"cpf", "cnpj_numeric", "cnpj_alphanumeric"} {
		var e struct {
			Valid   []struct{ Raw, Formatted string }
			Invalid []struct{ Value, Kind string }
		}
		if err := json.Unmarshal(v[k], &e); err != nil {
			t.Fatal(err)
		}
		out[k] = e
	}
	return out
}

func create(t testing.TB, s *testServer, token string, input map[string]any) accountPayload {
	t.Helper()
	var p accountPayload
	r := gql(t, s, token, createAccount, map[string]any{"input": input})
	if len(r.Errors) > 0 {
		t.Fatalf("createAccount errors: %+v", r.Errors)
	}
	r.decode(t, "createAccount", &p)
	return p
}

func review(t testing.TB, s *testServer, token, id, decision string) (accountPayload, gqlResponse) {
	t.Helper()
	var p accountPayload
	r := gql(t, s, token, reviewKyc, map[string]any{"input": map[string]any{"accountId": id, "decision": decision}})
	if len(r.Errors) == 0 {
		r.decode(t, "reviewKyc", &p)
	}
	return p, r
}

func countAccounts(t testing.TB, s *testServer) int64 {
	var n int64
	if err := s.db.Table("accounts").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	vec := vectors(t)

	t.Run("ValidCPFNumericCNPJAndAlphanumericCNPJ", func(t *testing.T) {
		cases := []struct{ doc, typ, want string }{
			{vec["cpf"].Valid[0].Formatted, "CPF", vec["cpf"].Valid[0].Raw},
			{vec["cnpj_numeric"].Valid[0].Raw, "CNPJ", vec["cnpj_numeric"].Valid[0].Raw},
			{vec["cnpj_alphanumeric"].Valid[0].Formatted, "CNPJ", vec["cnpj_alphanumeric"].Valid[0].Raw},
		}
		for _, c := range cases {
			p := create(t, s, tok, map[string]any{"name": "Cliente " + c.typ, "email": "financeiro@example.com.br", "document": c.doc,
				"mobileNumber": "(21) 99999-8888", "dateOfBirth": "2000-12-31"})
			a := p.Account
			if len(p.UserErrors) > 0 || a == nil {
				t.Fatalf("%s: userErrors %+v", c.doc, p.UserErrors)
			}
			if a.Document != c.want || a.DocumentType != c.typ || a.Status != "LAST_KYC_NOT_APPROVED" || a.BankAccount != nil {
				t.Errorf("%s: %+v", c.doc, a)
			}
			if a.Limits.Plan != nil || a.Limits.Daily.Amount != "0.00" || a.Limits.Daily.Currency != "BRL" {
				t.Errorf("%s: limits %+v, want R$0.00 and no plan", c.doc, a.Limits)
			}
			if a.MobileNumber == nil || *a.MobileNumber != "+5521999998888" || a.DateOfBirth == nil || *a.DateOfBirth != "2000-12-31" {
				t.Errorf("%s: mobile %v birth %v", c.doc, a.MobileNumber, a.DateOfBirth)
			}
		}
	})

	t.Run("ErrBadInputGivesUserErrorsAndWritesNothing", func(t *testing.T) {
		before := countAccounts(t, s)
		cases := []struct {
			name  string
			input map[string]any
			field string
			code  string
		}{
			{"InvalidCPF", map[string]any{"document": vec["cpf"].Invalid[0].Value}, "document", "INVALID_DOCUMENT"},
			{"InvalidCNPJ", map[string]any{"document": vec["cnpj_numeric"].Invalid[0].Value}, "document", "INVALID_DOCUMENT"},
			{"InvalidAlphanumericCNPJ", map[string]any{"document": vec["cnpj_alphanumeric"].Invalid[1].Value}, "document", "INVALID_DOCUMENT"},
			{"DuplicateDocument", map[string]any{"document": vec["cpf"].Valid[0].Raw}, "document", "DUPLICATE_DOCUMENT"},
			{"MalformedEmail", map[string]any{"email": "financeiro@@example"}, "email", "INVALID"},
			{"EmptyName", map[string]any{"name": "  "}, "name", "REQUIRED"},
			{"BadMobile", map[string]any{"mobileNumber": "12345"}, "mobileNumber", "INVALID"},
			{"FutureBirth", map[string]any{"dateOfBirth": "2999-01-01"}, "dateOfBirth", "INVALID"},
			{"TypeContradictsDocument", map[string]any{"documentType": "CNPJ"}, "document", "INVALID_DOCUMENT"},
		}
		for _, c := range cases {
			input := map[string]any{"name": "Cliente", "email": "c@example.com", "document": vec["cpf"].Valid[1].Raw}
			for k, v := range c.input {
				input[k] = v
			}
			p := create(t, s, tok, input)
			if p.Account != nil || len(p.UserErrors) != 1 {
				t.Errorf("%s: account %v userErrors %+v", c.name, p.Account, p.UserErrors)
				continue
			}
			ue := p.UserErrors[0]
			if !slices.Equal(ue.Field, []string{"input", c.field}) || ue.Code != c.code || ue.Message == "" {
				t.Errorf("%s: userError %+v, want field [input %s] code %s", c.name, ue, c.field, c.code)
			}
		}
		if after := countAccounts(t, s); after != before {
			t.Fatalf("rejected inputs wrote accounts: %d → %d", before, after)
		}
	})

	t.Run("ErrGraphQLTypeErrorsAreNotUserErrors", func(t *testing.T) {
		r := gql(t, s, tok, createAccount, map[string]any{"input": map[string]any{"name": "x"}})
		if r.code() != "GRAPHQL_VALIDATION_FAILED" && r.code() != "BAD_USER_INPUT" {
			t.Fatalf("missing required input fields: %+v", r.Errors)
		}
	})

	t.Run("ErrOperatorAndHolderCannotOpenAccounts", func(t *testing.T) {
		for name, token := range map[string]string{"operator": operatorToken(t, s), "holder": holderTokens(t, s).AccessToken} {
			r := gql(t, s, token, createAccount, map[string]any{"input": map[string]any{"name": "X Y", "email": "x@example.com", "document": vec["cpf"].Valid[2].Raw}})
			if r.code() != "FORBIDDEN" {
				t.Errorf("%s: %+v", name, r.Errors)
			}
		}
	})
}

func TestReviewKyc(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok, op := tenantToken(t, s), operatorToken(t, s)
	vec := vectors(t)
	acc := create(t, s, tok, map[string]any{"name": "Padaria Pão Quente", "email": "p@example.com", "document": vec["cnpj_numeric"].Valid[1].Raw, "accountType": "CC"}).Account

	t.Run("ErrTenantIsForbidden", func(t *testing.T) {
		_, r := review(t, s, tok, acc.ID, "APPROVE")
		if r.code() != "FORBIDDEN" || r.Data["reviewKyc"] != nil && string(r.Data["reviewKyc"]) != "null" {
			t.Fatalf("tenant reviewKyc: %+v %s", r.Errors, r.Data["reviewKyc"])
		}
	})

	t.Run("ApproveCreatesStonePaymentAccount", func(t *testing.T) {
		p, r := review(t, s, op, acc.ID, "APPROVE")
		if len(r.Errors) > 0 || len(p.UserErrors) > 0 {
			t.Fatalf("%+v %+v", r.Errors, p.UserErrors)
		}
		a := p.Account
		if a.Status != "APPROVED" || a.BankAccount == nil {
			t.Fatalf("%+v", a)
		}
		b := a.BankAccount
		if b.Institution.Ispb != "16501555" || b.Institution.Code != "197" || !strings.Contains(b.Institution.Name, "Stone") ||
			b.BranchCode != "0001" || b.AccountType != "CC" || len(b.AccountCode) < 5 {
			t.Fatalf("bank account %+v", b)
		}
		if a.Limits.Plan == nil || *a.Limits.Plan != "standard" || a.Limits.Daily.Amount == "0.00" {
			t.Fatalf("limits %+v", a.Limits)
		}
		// The bank account is a Node of its own.
		r = gql(t, s, tok, `query($id: ID!) { node(id: $id) { ... on BankAccount { accountCode } } }`, map[string]any{"id": b.ID})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data["node"]), b.AccountCode) {
			t.Fatalf("node(bankAccount): %+v %s", r.Errors, r.Data["node"])
		}
	})

	t.Run("ErrInvalidTransitionsAreUserErrors", func(t *testing.T) {
		p, _ := review(t, s, op, acc.ID, "APPROVE")
		if len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID_STATE" {
			t.Fatalf("approving twice: %+v", p.UserErrors)
		}
		p, _ = review(t, s, op, "bm90LWFuLWlk", "APPROVE")
		if len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" || !slices.Equal(p.UserErrors[0].Field, []string{"input", "accountId"}) {
			t.Fatalf("bad id: %+v", p.UserErrors)
		}
	})

	t.Run("BlockIsFinalAndBlocksTheDocument", func(t *testing.T) {
		doc := vec["cpf"].Valid[3].Raw
		fraud := create(t, s, tok, map[string]any{"name": "Fraudster", "email": "f@example.com", "document": doc}).Account
		if p, _ := review(t, s, op, fraud.ID, "BLOCK"); p.Account == nil || p.Account.Status != "BLOCKED" {
			t.Fatalf("block: %+v", p)
		}
		p := create(t, s, tok, map[string]any{"name": "Fraudster", "email": "f@example.com", "document": doc})
		if len(p.UserErrors) != 1 || p.UserErrors[0].Code != "DOCUMENT_BLOCKED" {
			t.Fatalf("blocked document reapplied: %+v", p.UserErrors)
		}
	})
}

func TestApprovedWithoutPlanIsMissingMovementLimitPlan(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_DEFAULT_LIMIT_PLAN": "none"})
	acc := create(t, s, tenantToken(t, s), map[string]any{"name": "Sem Plano", "email": "s@example.com", "document": vectors(t)["cpf"].Valid[4].Raw}).Account
	p, _ := review(t, s, operatorToken(t, s), acc.ID, "APPROVE")
	if p.Account == nil || p.Account.Status != "MISSING_MOVEMENT_LIMIT_PLAN" || p.Account.BankAccount == nil || p.Account.Limits.Daily.Amount != "0.00" {
		t.Fatalf("%+v", p)
	}
}
