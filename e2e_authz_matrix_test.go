package main

import (
	"fmt"
	"strings"
	"testing"
)

// accountOp is one GraphQL operation that touches an account. Every new query or mutation that
// reaches an account joins accountOps, and TestAuthorizationMatrix proves who may call it.
type accountOp struct {
	name      string
	scope     string // the consent scope that allows it on an account the tenant does not own
	query     string // takes $id: the account's global ID (a payment's, when byPayment)
	field     string // the top-level field to look at
	byPayment bool   // the operation names a payment on the account instead of the account
}

var accountOps = []accountOp{
	{"account", "accounts:read", `query($id: ID!) { account(id: $id) { id name } }`, "account", false},
	{"node", "accounts:read", `query($id: ID!) { node(id: $id) { id ... on Account { name } } }`, "node", false},
	{"balance", "balance:read", `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, "account", false},
	{"statement", "statement:read", `query($id: ID!) { account(id: $id) { statement(first: 5) { nodes { id amount { amount } } } } }`, "account", false},
	{"statementNode", "statement:read", `query($id: ID!) { node(id: $id) { ... on Account { statement(first: 1) { nodes { id } } } } }`, "node", false},
	{"limitsUsage", "accounts:read", `query($id: ID!) { account(id: $id) { limits { dailyUsed { amount } monthlyUsed { amount } } } }`, "account", false},
	{"sandboxDeposit", "accounts:read", `mutation($id: ID!) { sandboxDeposit(input: {accountId: $id, amount: "1.00", idempotencyKey: "matrix"}) { userErrors { code } } }`, "sandboxDeposit", false},
	{"payments", "payments:read", `query($id: ID!) { account(id: $id) { payments(first: 5) { nodes { id status } } } }`, "account", false},
	{"pendingApprovals", "payments:read", `query($id: ID!) { pendingApprovals(accountId: $id) { id } }`, "pendingApprovals", false},
	{"createTedTransfer", "payments:initiate", `mutation($id: ID!) { createTedTransfer(input: {accountId: $id, target: {bankCode: "341", branchCode: "1", accountCode: "2", name: "Fornecedor", document: "11222333000181"}, amount: "1.00", idempotencyKey: "matrix-ted"}) { payment { id } userErrors { code } } }`, "createTedTransfer", false},
	{"payBarcode", "payments:initiate", `mutation($id: ID!) { payBarcode(input: {accountId: $id, code: "816700000150234001232029503105037686027625175271", idempotencyKey: "matrix-bar"}) { payment { id } userErrors { code } } }`, "payBarcode", false},
	{"payment", "payments:read", `query($id: ID!) { payment(id: $id) { id status } }`, "payment", true},
	{"paymentNode", "payments:read", `query($id: ID!) { node(id: $id) { id } }`, "node", true},
	{"cancelPayment", "payments:initiate", `mutation($id: ID!) { cancelPayment(input: {paymentId: $id}) { payment { id } userErrors { code } } }`, "cancelPayment", true},
}

// allowedTo runs op and reports whether it was allowed (no FORBIDDEN), failing on anything else.
// target is the account's ID, or for byPayment operations the payment's.
func allowedTo(t *testing.T, s *testServer, token string, op accountOp, target string) bool {
	t.Helper()
	r := gql(t, s, token, op.query, map[string]any{"id": target})
	switch r.code() {
	case "":
		if string(r.Data[op.field]) == "null" {
			t.Fatalf("%s: allowed but no data", op.name)
		}
		return true
	case "FORBIDDEN":
		if string(r.Data[op.field]) != "null" && r.Data[op.field] != nil && !strings.Contains(string(r.Data[op.field]), "null") {
			t.Fatalf("%s: FORBIDDEN but data leaked: %s", op.name, r.Data[op.field])
		}
		return false
	}
	t.Fatalf("%s: unexpected errors %+v", op.name, r.Errors)
	return false
}

// grantConsent runs the holder's journey over HTTP and returns the AUTHORISED consent's ID.
func grantConsent(t *testing.T, s *testServer, token, redirectURI, accountID string, scopes ...string) string {
	t.Helper()
	enums := make([]string, len(scopes))
	for i, sc := range scopes {
		enums[i] = scopeEnum(sc)
	}
	p := requestConsent(t, s, token, map[string]any{"accountId": accountID, "scopes": enums, "redirectUri": redirectURI})
	if p.Consent == nil || p.Consent.AuthorizationURL == nil {
		t.Fatalf("requestConsent: %+v", p)
	}
	b := newHolderBrowser(t)
	if q := redirectResult(t, b.decide(s, b.journeyToConsentPage(*p.Consent.AuthorizationURL, "holder", "holder"), "approve")); q.Get("result") != "approved" {
		t.Fatalf("journey: %v", q)
	}
	return p.Consent.ID
}

func revoke(t *testing.T, s *testServer, token, consentID string) {
	t.Helper()
	r := gql(t, s, token, `mutation($id: ID!) { revokeConsent(input: {consentId: $id}) { userErrors { code } } }`, map[string]any{"id": consentID})
	if len(r.Errors) > 0 || string(r.Data["revokeConsent"]) != `{"userErrors":[]}` {
		t.Fatalf("revoke: %+v %s", r.Errors, r.Data["revokeConsent"])
	}
}

func scopeEnum(s string) string {
	out := []byte(s)
	for i, c := range out {
		switch {
		case c == ':':
			out[i] = '_'
		case c >= 'a' && c <= 'z':
			out[i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

// TestAuthorizationMatrix calls every account operation as the owner tenant, as a tenant
// consented with each scope alone (ACCOUNTS_READ always comes along: other scopes act on the
// account it shows), as a tenant whose consent was revoked, and as an unrelated tenant, and
// checks each is allowed exactly when it should be.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	owner, other := tenantToken(t, s), tenant2Token(t, s)
	own := create(t, s, owner, map[string]any{"name": "Treasury Ltda", "email": "t@example.com", "document": vectors(t)["cnpj_numeric"].Valid[2].Raw}).Account
	review(t, s, operatorToken(t, s), own.ID, "APPROVE")
	holders := demoAccountID(t, s)
	// A payment on each account, for the operations that name one: the owner's own, and one the
	// other tenant created on the holder's account under a consent it then gave up.
	ownPayment := createPayments(t, s, owner, own.ID, "", "matrix-own")[1].ID
	id := grantConsent(t, s, other, "http://localhost:3001/consent/callback", holders, "payments:initiate")
	holdersPayment := createPayments(t, s, other, holders, "", "matrix-holder")[1].ID
	revoke(t, s, other, id)
	target := func(op accountOp, account, payment string) string {
		if op.byPayment {
			return payment
		}
		return account
	}

	for _, op := range accountOps {
		if !allowedTo(t, s, owner, op, target(op, own.ID, ownPayment)) {
			t.Errorf("owner tenant refused %s on its own account", op.name)
		}
		if allowedTo(t, s, other, op, target(op, own.ID, ownPayment)) {
			t.Errorf("unrelated tenant allowed %s", op.name)
		}
		if allowedTo(t, s, owner, op, target(op, holders, holdersPayment)) {
			t.Errorf("tenant without consent allowed %s on the holder's account", op.name)
		}
	}
	for _, scope := range []string{"accounts:read", "balance:read", "statement:read", "payments:read", "payments:initiate", "boletos:issue", "contacts:manage"} {
		t.Run(fmt.Sprintf("ConsentedWith_%s_Only", scope), func(t *testing.T) {
			id := grantConsent(t, s, other, "http://localhost:3001/consent/callback", holders, scope)
			for _, op := range accountOps {
				if got, want := allowedTo(t, s, other, op, target(op, holders, holdersPayment)), op.scope == scope || op.scope == "accounts:read"; got != want {
					t.Errorf("%s with consent %s: allowed=%v, want %v", op.name, scope, got, want)
				}
			}
			revoke(t, s, other, id)
			for _, op := range accountOps {
				if allowedTo(t, s, other, op, target(op, holders, holdersPayment)) {
					t.Errorf("%s allowed after the consent (%s) was revoked", op.name, scope)
				}
			}
		})
	}
}
