package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph"
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

// accountOp is one GraphQL operation that touches an account. Every new query or mutation that
// reaches an account joins accountOps, and TestAuthorizationMatrix proves who may call it.
type accountOp struct {
	name      string
	scope     string // the consent scope that allows it on an account the tenant does not own
	query     string // takes $id: the account's global ID (a payment's, when byPayment)
	field     string // the top-level field to look at
	byPayment bool   // the operation names a payment on the account instead of the account
	byBoleto  bool   // the operation names a boleto issued on the account instead of the account
}

var accountOps = []accountOp{
	{"account", "accounts:read", `query($id: ID!) { account(id: $id) { id name } }`, "account", false, false},
	{"node", "accounts:read", `query($id: ID!) { node(id: $id) { id ... on Account { name } } }`, "node", false, false},
	{"balance", "balance:read", `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, "account", false, false},
	{"statement", "statement:read", `query($id: ID!) { account(id: $id) { statement(first: 5) { nodes { id amount { amount } } } } }`, "account", false, false},
	{"statementNode", "statement:read", `query($id: ID!) { node(id: $id) { ... on Account { statement(first: 1) { nodes { id } } } } }`, "node", false, false},
	{"limitsUsage", "accounts:read", `query($id: ID!) { account(id: $id) { limits { dailyUsed { amount } monthlyUsed { amount } } } }`, "account", false, false},
	{"sandboxDeposit", "accounts:read", `mutation($id: ID!) { sandboxDeposit(input: {accountId: $id, amount: "1.00", idempotencyKey: "matrix"}) { userErrors { code } } }`, "sandboxDeposit", false, false},
	{"payments", "payments:read", `query($id: ID!) { account(id: $id) { payments(first: 5) { nodes { id status } } } }`, "account", false, false},
	{"pendingApprovals", "payments:read", `query($id: ID!) { pendingApprovals(accountId: $id) { id } }`, "pendingApprovals", false, false},
	{"createTedTransfer", "payments:initiate", `mutation($id: ID!) { createTedTransfer(input: {accountId: $id, target: {bankCode: "341", branchCode: "1", accountCode: "2", name: "Fornecedor", document: "11222333000181"}, amount: "1.00", idempotencyKey: "matrix-ted"}) { payment { id } userErrors { code } } }`, "createTedTransfer", false, false},
	{"payBarcode", "payments:initiate", `mutation($id: ID!) { payBarcode(input: {accountId: $id, code: "816700000150234001232029503105037686027625175271", idempotencyKey: "matrix-bar"}) { payment { id } userErrors { code } } }`, "payBarcode", false, false},
	{"payment", "payments:read", `query($id: ID!) { payment(id: $id) { id status } }`, "payment", true, false},
	{"paymentNode", "payments:read", `query($id: ID!) { node(id: $id) { id } }`, "node", true, false},
	{"cancelPayment", "payments:initiate", `mutation($id: ID!) { cancelPayment(input: {paymentId: $id}) { payment { id } userErrors { code } } }`, "cancelPayment", true, false},
	// The nested paths to an account: through a payment (by id, as a node, in an account's
	// payments, in a mutation's payload, in a subscription's events) and a payload's account. Each
	// needs accounts:read on top of what reaches the payment (accountEdges, opNeeds).
	{"paymentAccount", "payments:read", `query($id: ID!) { payment(id: $id) { id account { id name document email } } }`, "payment", true, false},
	{"paymentNodeAccount", "payments:read", `query($id: ID!) { node(id: $id) { id ... on Payment { account { name document email } } } }`, "node", true, false},
	{"accountPaymentsAccount", "payments:read", `query($id: ID!) { account(id: $id) { payments(first: 5) { nodes { account { name document email } } } } }`, "account", false, false},
	{"createTedTransferAccount", "payments:initiate", `mutation($id: ID!, $key: String!) { createTedTransfer(input: {accountId: $id, target: {bankCode: "341", branchCode: "1", accountCode: "2", name: "Fornecedor", document: "11222333000181"}, amount: "1.00", idempotencyKey: $key}) { payment { id account { name document email } } userErrors { code } } }`, "createTedTransfer", false, false},
	{"sandboxDepositAccount", "accounts:read", `mutation($id: ID!) { sandboxDeposit(input: {accountId: $id, amount: "1.00", idempotencyKey: "matrix"}) { account { name document email } userErrors { code } } }`, "sandboxDeposit", false, false},
	// A statement entry's payment (StatementEntry.payment) is authorized as payment(id) is, and its
	// account as every account; TestAccountantFilesAndAPIAgree proves the payment edge refused
	// without payments:read on an account whose statement has a payment's entries.
	{"statementPaymentAccount", "statement:read", `query($id: ID!) { account(id: $id) { statement(first: 5) { nodes { reference payment { id account { name document email } } } } } }`, "account", false, false},
	{"paymentStatusChangedAccount", "payments:read", `subscription($id: ID!) { paymentStatusChanged(accountId: $id, after: "` + logStart + `") { payment { account { name document email } } } }`, "paymentStatusChanged", false, false},
	// Contacts: reading and changing them alike need contacts:manage (auth.ActionReadContacts).
	// The operations on one contact or bank account take a fresh one on the account (contactOps).
	{"contacts", "contacts:manage", `query($id: ID!) { account(id: $id) { contacts(first: 5) { nodes { id name document bankAccounts { accountCode } } } } }`, "account", false, false},
	{"createContact", "contacts:manage", `mutation($id: ID!) { createContact(input: {accountId: $id, name: "Fornecedor", document: "11222333000181", bankAccounts: [{bankCode: "341", branchCode: "1", accountCode: "2"}]}) { contact { id name } userErrors { code } } }`, "createContact", false, false},
	{"contact", "contacts:manage", `query($id: ID!) { contact(id: $id) { id name document bankAccounts { id accountCode } } }`, "contact", false, false},
	{"contactNode", "contacts:manage", `query($id: ID!) { node(id: $id) { id ... on Contact { name document } } }`, "node", false, false},
	{"contactBankAccountNode", "contacts:manage", `query($id: ID!) { node(id: $id) { id ... on ContactBankAccount { accountCode branchCode } } }`, "node", false, false},
	{"updateContact", "contacts:manage", `mutation($id: ID!) { updateContact(input: {contactId: $id, name: "Fornecedor Renomeado"}) { contact { id name } userErrors { code } } }`, "updateContact", false, false},
	{"addContactBankAccount", "contacts:manage", `mutation($id: ID!) { addContactBankAccount(input: {contactId: $id, bankAccount: {bankCode: "001", branchCode: "1234", accountCode: "99-1"}}) { contact { id } userErrors { code } } }`, "addContactBankAccount", false, false},
	{"removeContactBankAccount", "contacts:manage", `mutation($id: ID!) { removeContactBankAccount(input: {contactBankAccountId: $id}) { contact { id } userErrors { code } } }`, "removeContactBankAccount", false, false},
	{"deleteContact", "contacts:manage", `mutation($id: ID!) { deleteContact(input: {contactId: $id}) { contact { id name } userErrors { code } } }`, "deleteContact", false, false},
	// An account's entries as they are posted (issue 13): its first event is an earlier deposit.
	{"statementEntryAdded", "statement:read", `subscription($id: ID!) { statementEntryAdded(accountId: $id, after: "` + logStart + `") { entry { id amount { amount } } accountId name cursor } }`, "statementEntryAdded", false, false},
	// Receivables: a boleto is reached through its account; issuing and cancelling need
	// boletos:issue, reading it needs accounts:read (auth.Authorizer.Boleto).
	{"issueBoleto", "boletos:issue", `mutation($id: ID!, $key: String!) { issueBoleto(input: {accountId: $id, kind: PROPOSTA, amount: "25.00", dueDate: "` + matrixDue + `", customer: {name: "Cliente", document: "24843803480"}, idempotencyKey: $key}) { boleto { id } userErrors { code } } }`, "issueBoleto", false, false},
	{"issueBoletoAccount", "boletos:issue", `mutation($id: ID!, $key: String!) { issueBoleto(input: {accountId: $id, kind: PROPOSTA, amount: "25.00", dueDate: "` + matrixDue + `", customer: {name: "Cliente", document: "24843803480"}, idempotencyKey: $key}) { boleto { account { name document email } } userErrors { code } } }`, "issueBoleto", false, false},
	{"boletos", "accounts:read", `query($id: ID!) { account(id: $id) { boletos(first: 5) { nodes { id status } } } }`, "account", false, false},
	{"boletoLimits", "accounts:read", `query($id: ID!) { account(id: $id) { boletoLimits { minimum { amount } maximum { amount } } } }`, "account", false, false},
	{"accountBoletosAccount", "accounts:read", `query($id: ID!) { account(id: $id) { boletos(first: 5) { nodes { account { name document email } } } } }`, "account", false, false},
	{"boleto", "accounts:read", `query($id: ID!) { boleto(id: $id) { id status typedLine amountDue { amount } } }`, "boleto", false, true},
	{"boletoNode", "accounts:read", `query($id: ID!) { node(id: $id) { id ... on Boleto { barcode } } }`, "node", false, true},
	{"boletoAccount", "accounts:read", `query($id: ID!) { boleto(id: $id) { id account { name document email } } }`, "boleto", false, true},
	{"cancelBoleto", "boletos:issue", `mutation($id: ID!) { cancelBoleto(input: {boletoId: $id}) { userErrors { code } } }`, "cancelBoleto", false, true},
	// Payroll: Treasury only to create or cancel (treasuryOnly), readable as payments are. The
	// operations marked byPayroll name a payroll on the account (payrollFixture).
	{"createPayroll", "payments:initiate", `mutation($id: ID!) { createPayroll(input: {accountId: $id, lines: [{name: "Ana", document: "52998224725", accountCode: "1", amount: "1.00"}], idempotencyKey: "matrix-payroll"}) { payroll { id } userErrors { code } } }`, "createPayroll", false, false},
	{"payrolls", "payments:read", `query($id: ID!) { account(id: $id) { payrolls(first: 5) { nodes { id status summary { finished } } } } }`, "account", false, false},
	{"payroll", "payments:read", `query($id: ID!) { payroll(id: $id) { id status lineCount } }`, "payroll", false, false},
	{"payrollNode", "payments:read", `query($id: ID!) { node(id: $id) { id ... on Payroll { status } } }`, "node", false, false},
	{"cancelPayroll", "payments:initiate", `mutation($id: ID!) { cancelPayroll(input: {payrollId: $id}) { payroll { id } userErrors { code } } }`, "cancelPayroll", false, false},
	{"payrollAccount", "payments:read", `query($id: ID!) { payroll(id: $id) { id account { name document email } } }`, "payroll", false, false},
	{"payrollStatusChangedAccount", "payments:read", `subscription($id: ID!) { payrollStatusChanged(accountId: $id, after: "` + logStart + `") { payroll { account { name document email } } } }`, "payrollStatusChanged", false, false},
	{"boletoStatusChangedAccount", "accounts:read", `subscription($id: ID!) { boletoStatusChanged(accountId: $id, after: "` + logStart + `") { boleto { account { name document email } } } }`, "boletoStatusChanged", false, false},
}

// contactOps are the operations of accountOps that name a contact ("contact") or a contact's
// bank account ("bankAccount") instead of the account: allowedTo gives each call a fresh one on
// the account, so that one deleted by an allowed call never makes a later call look refused.
var contactOps = map[string]string{
	"contact": "contact", "contactNode": "contact", "updateContact": "contact", "addContactBankAccount": "contact",
	"deleteContact": "contact", "contactBankAccountNode": "bankAccount", "removeContactBankAccount": "bankAccount",
}

// freshContacts numbers the contacts freshContact makes, so each has its own document.
var freshContacts atomic.Int64

// freshContact stores a contact with one bank account on the account with global ID accountID
// (in the database: the caller under test may not be allowed to create it) and returns the
// global ID of the contact or, for what "bankAccount", of its bank account.
func freshContact(t *testing.T, s *testServer, accountID, what string) string {
	t.Helper()
	key, ok := globalid.DecodeAs(accountID, globalid.Account)
	if !ok {
		t.Fatalf("freshContact: %q is not an account ID", accountID)
	}
	var c, b struct{ ID uuid.UUID }
	doc := fmt.Sprintf("%011d", freshContacts.Add(1))
	if err := s.db.Raw(`INSERT INTO contacts (account_id, name, document, document_type, created_by, created_at, updated_at)
		VALUES (?, 'Contato Matriz', ?, 'CPF', 'test', now(), now()) RETURNING id`, key, doc).Scan(&c).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.db.Raw(`INSERT INTO contact_bank_accounts (contact_id, ispb, bank_code, bank_name, branch_code, account_code, account_type, created_at)
		VALUES (?, '60701190', '341', 'ITAÚ UNIBANCO S.A.', '0001', '12345', 'CC', now()) RETURNING id`, c.ID).Scan(&b).Error; err != nil {
		t.Fatal(err)
	}
	if what == "bankAccount" {
		return globalid.Encode(globalid.ContactBank, b.ID)
	}
	return globalid.Encode(globalid.Contact, c.ID)
}

// byPayroll are the operations of accountOps that name a payroll on the account (payrollFixture)
// instead of the account.
var byPayroll = map[string]bool{"payroll": true, "payrollNode": true, "cancelPayroll": true, "payrollAccount": true}

// treasuryOnly are the operations no consent allows, whatever its scopes: only the tenant that
// owns the account (auth.Authorizer.RunPayroll).
var treasuryOnly = map[string]bool{"createPayroll": true, "cancelPayroll": true}

// payrollFixture writes a FINISHED payroll on the account, with its payroll_created event, and
// returns its global ID: the matrix needs one on every account it tries, including those no
// tenant could run a payroll on (a consented account), so it is written directly.
func payrollFixture(t *testing.T, s *testServer, accountID string) string {
	t.Helper()
	key, ok := globalid.DecodeAs(accountID, globalid.Account)
	if !ok {
		t.Fatalf("bad account id %q", accountID)
	}
	var id string
	err := s.db.Raw(`WITH p AS (INSERT INTO payrolls (tenant_id, account_id, status, amount_cents, line_count, run_on, idempotency_key, request_hash, created_by)
		VALUES ((SELECT id FROM tenants WHERE client_id = 'demo-erp'), ?, 'FINISHED', 100, 1, current_date, 'matrix-' || gen_random_uuid(), '\x00', 'matrix')
		RETURNING id, tenant_id, account_id),
	e AS (INSERT INTO events (name, topic, tenant_id, account_id, payroll_id, to_status, actor, occurred_at)
		SELECT 'payroll_created', 'payroll', tenant_id, account_id, id, 'FINISHED', 'matrix', now() FROM p)
	SELECT id::text FROM p`, key).Scan(&id).Error
	if err != nil || id == "" {
		t.Fatalf("payroll fixture: %v", err)
	}
	return globalid.Encode(globalid.Payroll, uuid.MustParse(id))
}

// logStart is the cursor before every event: a stream that starts from it replays what happened
// before its subscription was registered, so a test never waits for the registration.
var logStart = events.Cursor{}.String()

// matrixDue is a due date the matrix's boletos may have: ten days from now.
var matrixDue = time.Now().AddDate(0, 0, 10).Format(time.DateOnly)

// opNeeds are all the scopes each operation of accountOps needs on the tenant's own account
// (in its token, as its registration allows): TestAuthorizationMatrixNarrowedTokens proves each
// is needed and together they suffice.
var opNeeds = map[string][]string{
	"account": {"accounts:read"}, "node": {"accounts:read"}, "limitsUsage": {"accounts:read"}, "sandboxDeposit": {"accounts:read"},
	"balance": {"accounts:read", "balance:read"}, "statement": {"accounts:read", "statement:read"}, "statementNode": {"accounts:read", "statement:read"},
	"payments": {"accounts:read", "payments:read"}, "pendingApprovals": {"payments:read"},
	"createTedTransfer": {"payments:initiate"}, "payBarcode": {"payments:initiate"}, "cancelPayment": {"payments:initiate"},
	"payment": {"payments:read"}, "paymentNode": {"payments:read"},
	"createPayroll": {"payments:initiate"}, "cancelPayroll": {"payments:initiate"}, "payrolls": {"accounts:read", "payments:read"},
	"payroll": {"payments:read"}, "payrollNode": {"payments:read"}, "payrollAccount": {"payments:read", "accounts:read"},
	"payrollStatusChangedAccount": {"payments:read", "accounts:read"},
	"paymentAccount":              {"payments:read", "accounts:read"}, "paymentNodeAccount": {"payments:read", "accounts:read"},
	"accountPaymentsAccount": {"accounts:read", "payments:read"}, "createTedTransferAccount": {"payments:initiate", "accounts:read"},
	"sandboxDepositAccount": {"accounts:read"}, "paymentStatusChangedAccount": {"payments:read", "accounts:read"},
	"contacts": {"accounts:read", "contacts:manage"}, "createContact": {"contacts:manage"}, "contact": {"contacts:manage"},
	"contactNode": {"contacts:manage"}, "contactBankAccountNode": {"contacts:manage"}, "updateContact": {"contacts:manage"},
	"addContactBankAccount": {"contacts:manage"}, "removeContactBankAccount": {"contacts:manage"}, "deleteContact": {"contacts:manage"},
	"statementEntryAdded": {"statement:read"},
	"issueBoleto":         {"boletos:issue"}, "issueBoletoAccount": {"boletos:issue", "accounts:read"}, "cancelBoleto": {"boletos:issue"},
	"boletos": {"accounts:read"}, "boletoLimits": {"accounts:read"}, "accountBoletosAccount": {"accounts:read"},
	"boleto": {"accounts:read"}, "boletoNode": {"accounts:read"}, "boletoAccount": {"accounts:read"},
	"boletoStatusChangedAccount": {"accounts:read"},
	"statementPaymentAccount":    {"accounts:read", "statement:read"},
}

// accountEdges are the schema's fields that reach an Account (through its type, a list, a
// connection or the Node interface), each with the operations of accountOps or the tests that
// prove who may follow it. TestAuthorizationMatrixCoversEveryEdgeToAnAccount fails when the
// schema gains an edge that is not here.
var accountEdges = map[string][]string{
	"Query.account":                      {"account", "balance", "statement", "limitsUsage", "payments", "accountPaymentsAccount"},
	"Query.node":                         {"node", "statementNode", "paymentNodeAccount"},
	"Query.accounts":                     {"TestTenantNeverReachesAnotherTenantsAccount", "TestAuthorizationMatrixTenantWithoutAccountsRead"},
	"Payment.account":                    {"paymentAccount", "paymentNodeAccount", "accountPaymentsAccount", "createTedTransferAccount", "paymentStatusChangedAccount", "statementPaymentAccount", "TestAccountantFilesAndAPIAgree"},
	"Consent.account":                    {"TestAuthorizationMatrixTenantWithoutAccountsRead"},
	"CreateAccountPayload.account":       {"TestAuthorizationMatrixTenantWithoutAccountsRead"},
	"ReviewKycPayload.account":           {"TestAuthorizationMatrixTenantWithoutAccountsRead"},
	"SandboxDepositPayload.account":      {"sandboxDepositAccount"},
	"SetAccountLimitPlanPayload.account": {"TestAuthorizationMatrixTenantWithoutAccountsRead"},
	"Boleto.account":                     {"issueBoletoAccount", "accountBoletosAccount", "boletoAccount", "boletoStatusChangedAccount"},
	"Payroll.account":                    {"payrollAccount", "payrollStatusChangedAccount"},
}

// issueMatrixBoleto issues a PROPOSTA on accountID and returns its ID.
func issueMatrixBoleto(t *testing.T, s *testServer, token, accountID, key string) string {
	t.Helper()
	var p struct {
		Boleto     *struct{ ID string }
		UserErrors []userError
	}
	gql(t, s, token, `mutation($id: ID!, $key: String!, $due: Date!) { issueBoleto(input: {accountId: $id, kind: PROPOSTA, amount: "30.00", dueDate: $due,
		customer: {name: "Cliente", document: "24843803480"}, idempotencyKey: $key}) { boleto { id } userErrors { field code message } } }`,
		map[string]any{"id": accountID, "key": key, "due": matrixDue}).decode(t, "issueBoleto", &p)
	if p.Boleto == nil {
		t.Fatalf("issueBoleto: %+v", p.UserErrors)
	}
	return p.Boleto.ID
}

// allowedTo runs op and reports whether it was allowed (no FORBIDDEN), failing on anything else.
// target is the account's ID, or for byPayment operations the payment's; for contactOps, a fresh
// contact of the account stands in.
func allowedTo(t *testing.T, s *testServer, token string, op accountOp, target string) bool {
	t.Helper()
	var r gqlResponse
	if what, ok := contactOps[op.name]; ok {
		target = freshContact(t, s, target, what)
	}
	vars := map[string]any{"id": target, "key": "matrix-" + target} // key: one idempotency key per account
	if strings.HasPrefix(op.query, "subscription") {
		r = firstSSEResponse(t, s, token, op.query, vars)
	} else {
		r = gql(t, s, token, op.query, vars)
	}
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
	// And a boleto on each, the holder's issued by the other tenant under a consent it gave up.
	ownBoleto := issueMatrixBoleto(t, s, owner, own.ID, "matrix-own")
	id = grantConsent(t, s, other, "http://localhost:3001/consent/callback", holders, "boletos:issue")
	holdersBoleto := issueMatrixBoleto(t, s, other, holders, "matrix-holder")
	revoke(t, s, other, id)
	payrolls := map[string]string{own.ID: payrollFixture(t, s, own.ID), holders: payrollFixture(t, s, holders)}
	target := func(op accountOp, account, payment string) string {
		switch {
		case byPayroll[op.name]:
			return payrolls[account]
		case op.byPayment:
			return payment
		case op.byBoleto && account == own.ID:
			return ownBoleto
		case op.byBoleto:
			return holdersBoleto
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
				if got, want := allowedTo(t, s, other, op, target(op, holders, holdersPayment)), (op.scope == scope || op.scope == "accounts:read") && !treasuryOnly[op.name]; got != want {
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

// holderPage logs username in on one of the holder pages and returns the page it shows.
func holderPage(t *testing.T, s *testServer, path, username string) (*holderBrowser, page) {
	t.Helper()
	b := newHolderBrowser(t)
	p := b.login(b.get(s.URL+path), username, username)
	if p.status != http.StatusOK || p.url.Path != path {
		t.Fatalf("%s as %s: %d %s\n%s", path, username, p.status, p.url, p.body)
	}
	return b, p
}

// validForm is the CSRF token of a logged-in holder page: a page with nothing to act on shows no
// form of its own, yet its owner could still post one; the token is in the page's logout form.
func validForm(t *testing.T, s *testServer, p page) url.Values {
	t.Helper()
	csrf := formFields(p.body).Get("csrf_token")
	var n int64
	if err := s.db.Raw("SELECT count(*) FROM holder_sessions WHERE csrf_token = ? AND csrf_token <> ''", csrf).Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("the page's CSRF token %q names %d sessions (%v)", csrf, n, err)
	}
	return url.Values{"csrf_token": {csrf}}
}

// TestAuthorizationMatrixHolderPages walks the holder pages as the account's holder and as
// another person who logs in at the same provider: the pages ask the same authorizer as the
// GraphQL API, so the holder sees and decides only what is on accounts they hold or represent,
// and the other person sees nothing and changes nothing, whatever ids they post.
func TestAuthorizationMatrixHolderPages(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	holders := demoAccountID(t, s)
	consentID := grantConsent(t, s, tok, "http://localhost:3000/consent/callback", holders, "payments:initiate", "payments:read")
	consentKey, _ := globalid.DecodeAs(consentID, globalid.Consent)
	ps := createPayments(t, s, tok, holders, "", "pages")[1:] // the TED and the barcode payment, awaiting approval
	paymentIDs := []string{ps[0].ID, ps[1].ID}

	t.Run("ApprovalsOfAnotherPerson", func(t *testing.T) {
		b, p := holderPage(t, s, "/approvals", "other")
		for _, id := range paymentIDs {
			if strings.Contains(p.body, id) {
				t.Fatalf("another person's approval page shows the holder's payment %s", id)
			}
		}
		form := validForm(t, s, p)
		for _, decision := range []string{"approve", "reject"} {
			res := b.post(s.URL+"/approvals", url.Values{"csrf_token": form["csrf_token"], "paymentId": paymentIDs, "decision": {decision}})
			if res.status != http.StatusConflict || !strings.Contains(res.body, "Nothing was changed") || !strings.Contains(res.body, `class="error"`) {
				t.Fatalf("%s the holder's payments as another person: %d\n%s", decision, res.status, res.body)
			}
		}
		for _, p := range ps {
			if got := paymentStatus(t, s, tok, p.ID); got.Status != "CREATED" {
				t.Fatalf("another person's decision changed payment %s: %s", p.ID, got.Status)
			}
		}
	})
	t.Run("MyConsentsOfAnotherPerson", func(t *testing.T) {
		b, p := holderPage(t, s, "/consents/mine", "other")
		if strings.Contains(p.body, consentKey.String()) || strings.Contains(p.body, `name="consentId"`) {
			t.Fatalf("another person's consents page shows grants:\n%s", p.body)
		}
		form := validForm(t, s, p)
		res := b.post(s.URL+"/consents/mine/revoke", url.Values{"csrf_token": form["csrf_token"], "consentId": {consentKey.String()}, "confirm": {"yes"}})
		if res.status != http.StatusNotFound {
			t.Fatalf("revoking the holder's consent as another person: %d, want the bad-link page\n%s", res.status, res.body)
		}
		var c struct{ Status string }
		gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status } }`, map[string]any{"id": consentID}).decode(t, "consent", &c)
		if c.Status != "AUTHORISED" {
			t.Fatalf("another person revoked the holder's consent: %s", c.Status)
		}
	})
	t.Run("ApprovalsOfTheHolder", func(t *testing.T) {
		b, p := holderPage(t, s, "/approvals", "holder")
		for _, id := range paymentIDs {
			if !strings.Contains(p.body, `name="paymentId" value="`+id+`"`) {
				t.Fatalf("the holder's approval page lacks %s:\n%s", id, p.body)
			}
		}
		form := formFields(p.body)
		res := b.post(s.URL+"/approvals", url.Values{"csrf_token": form["csrf_token"], "paymentId": {ps[1].ID}, "decision": {"reject"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "rejected") {
			t.Fatalf("reject as the holder: %d\n%s", res.status, res.body)
		}
		if got := paymentStatus(t, s, tok, ps[1].ID); got.Status != "REJECTED" {
			t.Fatalf("the holder's rejection: %s", got.Status)
		}
	})
	t.Run("MyConsentsOfTheHolder", func(t *testing.T) {
		b, p := holderPage(t, s, "/consents/mine", "holder")
		if !strings.Contains(p.body, `name="consentId" value="`+consentKey.String()+`"`) {
			t.Fatalf("the holder's consents page lacks the grant:\n%s", p.body)
		}
		form := formFields(p.body)
		revoke := url.Values{"csrf_token": form["csrf_token"], "consentId": {consentKey.String()}}
		// The list's button asks for confirmation first and changes nothing.
		if res := b.post(s.URL+"/consents/mine/revoke", revoke); res.status != http.StatusOK || !strings.Contains(res.body, `name="confirm" value="yes"`) {
			t.Fatalf("revoke as the holder, before confirming: %d\n%s", res.status, res.body)
		}
		if !allowedTo(t, s, tok, accountOps[0], holders) {
			t.Fatal("asking to revoke revoked before the holder confirmed")
		}
		revoke.Set("confirm", "yes")
		if res := b.post(s.URL+"/consents/mine/revoke", revoke); res.status != http.StatusOK {
			t.Fatalf("revoke as the holder: %d\n%s", res.status, res.body)
		}
		if allowedTo(t, s, tok, accountOps[0], holders) {
			t.Fatal("the tenant still reads the account after the holder revoked its consent")
		}
	})
}

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

// scopedToken is a client-credentials token that asks for scopes only.
func scopedToken(t *testing.T, s *testServer, clientID, secret string, scopes []string) string {
	t.Helper()
	status, tr := postToken(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(scopes, " ")}}, clientID, secret)
	if status != http.StatusOK || tr.AccessToken == "" {
		t.Fatalf("token for %s with %v: HTTP %d %+v", clientID, scopes, status, tr)
	}
	return tr.AccessToken
}

// TestAuthorizationMatrixCoversEveryEdgeToAnAccount reads the schema for every field that reaches
// an Account (as Account, a list of them, a connection of them or the Node interface) and fails
// when one is missing from accountEdges, so a new edge cannot skip the matrix; every operation
// an edge names exists, and every operation declares what it needs (opNeeds).
func TestAuthorizationMatrixCoversEveryEdgeToAnAccount(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	account := schema.Types["Account"]
	if account == nil {
		t.Fatal("no Account type in the schema")
	}
	reaches, wrappers := map[string]bool{"Account": true}, map[string]bool{}
	for _, iface := range account.Interfaces {
		reaches[iface] = true
	}
	for changed := true; changed; { // connections and edges of accounts, and of those
		changed = false
		for name, def := range schema.Types {
			if def.Kind != ast.Object || reaches[name] || !(strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Edge")) {
				continue
			}
			for _, f := range def.Fields {
				if reaches[f.Type.Name()] {
					reaches[name], wrappers[name], changed = true, true, true
					break
				}
			}
		}
	}
	found := map[string]bool{}
	for name, def := range schema.Types {
		if (def.Kind != ast.Object && def.Kind != ast.Interface) || wrappers[name] || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if reaches[f.Type.Name()] {
				found[name+"."+f.Name] = true
			}
		}
	}
	ops := map[string]bool{}
	for _, op := range accountOps {
		ops[op.name] = true
		if len(opNeeds[op.name]) == 0 {
			t.Errorf("operation %s does not say what it needs in opNeeds", op.name)
		}
	}
	for edge := range found {
		if _, ok := accountEdges[edge]; !ok {
			t.Errorf("%s reaches an Account but is not in the authorization matrix (accountEdges): authorize it as account(id) does and add the operations that prove it", edge)
		}
	}
	for edge, proofs := range accountEdges {
		if !found[edge] {
			t.Errorf("accountEdges names %s, which the schema no longer has", edge)
		}
		for _, p := range proofs {
			if !strings.HasPrefix(p, "Test") && !ops[p] {
				t.Errorf("%s is proved by %q, which is not an operation of accountOps", edge, p)
			}
		}
	}
	t.Logf("edges to an Account: %v", slices.Sorted(maps.Keys(found)))
	if len(found) < 9 {
		t.Errorf("found only %d edges to an Account: %v", len(found), found)
	}
}

// TestAuthorizationMatrixNarrowedTokens calls every account operation on the tenant's own
// account with tokens narrowed to exactly the scopes it needs (allowed), and to those scopes
// minus each one (refused): a payment's account, in whatever path, needs accounts:read too.
func TestAuthorizationMatrixNarrowedTokens(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	owner := tenantToken(t, s)
	own := approvedAccount(t, s, owner, vectors(t)["cnpj_numeric"].Valid[2].Raw)
	ownPayment := createPayments(t, s, owner, own, "", "narrow")[1].ID
	ownBoleto := issueMatrixBoleto(t, s, owner, own, "narrow")
	ownPayroll := payrollFixture(t, s, own)
	tokens := map[string]string{}
	token := func(scopes []string) string {
		key := strings.Join(scopes, " ")
		if tokens[key] == "" {
			tokens[key] = scopedToken(t, s, "demo-erp", "demo-erp-secret", scopes)
		}
		return tokens[key]
	}
	for _, op := range accountOps {
		target := own
		if op.byPayment {
			target = ownPayment
		}
		if op.byBoleto {
			target = ownBoleto
		}
		if byPayroll[op.name] {
			target = ownPayroll
		}
		needs := opNeeds[op.name]
		if !allowedTo(t, s, token(needs), op, target) {
			t.Errorf("%s refused with a token of exactly %v", op.name, needs)
		}
		for _, drop := range needs {
			rest := slices.DeleteFunc(slices.Clone(needs), func(s string) bool { return s == drop })
			if len(rest) == 0 {
				rest = []string{"contacts:manage"} // a token with no scope asks for all of them
				if drop == "contacts:manage" {
					rest = []string{"boletos:issue"}
				}
			}
			if allowedTo(t, s, token(rest), op, target) {
				t.Errorf("%s allowed without %s (token %v)", op.name, drop, rest)
			}
		}
	}
}

// TestAuthorizationMatrixTenantWithoutAccountsRead: a tenant registered without accounts:read
// (its token asks for it; the registration does not allow it) opens an account, moves money
// on it, and gets a holder's consent with ACCOUNTS_READ, yet never reads an account's name,
// document or email by any path: payloads, payments, consents, lists, subscriptions.
func TestAuthorizationMatrixTenantWithoutAccountsRead(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := clientToken(t, s, devidp.DemoNoAccountsReadClientID, devidp.DemoNoAccountsReadClientID+"-secret")
	op := operatorToken(t, s)
	var v viewer
	gql(t, s, tok, viewerQuery, nil).decode(t, "viewer", &v)
	if v.Kind != "TENANT" || slices.Contains(v.Scopes, "accounts:read") || !slices.Contains(v.Scopes, "payments:read") {
		t.Fatalf("viewer = %+v", v)
	}

	doc := vectors(t)["cnpj_numeric"].Valid[3].Raw
	r := gql(t, s, tok, `mutation($in: CreateAccountInput!) { createAccount(input: $in) { account { id name document email } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"name": "Sem Leitura Ltda", "email": "noread@example.com", "document": doc}})
	if r.code() != "FORBIDDEN" || strings.Contains(string(r.Data["createAccount"]), "Sem Leitura") || !strings.Contains(string(r.Data["createAccount"]), `"account":null`) {
		t.Fatalf("createAccount payload without accounts:read: %s %+v", r.Data["createAccount"], r.Errors)
	}
	var rowID string
	if err := s.db.Raw("SELECT id FROM accounts WHERE name = 'Sem Leitura Ltda'").Scan(&rowID).Error; err != nil || rowID == "" {
		t.Fatalf("the account was not opened: %v", err)
	}
	own := encodeAccountID(rowID)
	// The operator reads every account, in every payload.
	if p, _ := review(t, s, op, own, "APPROVE"); p.Account == nil || p.Account.Status != "APPROVED" {
		t.Fatalf("reviewKyc payload for the operator: %+v", p)
	}
	r = gql(t, s, op, `mutation($id: ID!) { setAccountLimitPlan(input: {accountId: $id, plan: "standard"}) { account { name } userErrors { code } } }`, map[string]any{"id": own})
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data["setAccountLimitPlan"]), "Sem Leitura") {
		t.Fatalf("setAccountLimitPlan payload for the operator: %s %+v", r.Data["setAccountLimitPlan"], r.Errors)
	}
	ownPayment := createPayments(t, s, tok, own, "", "noread")[1].ID
	deposit(t, s, op, own, "1.00", "noread-entry") // an entry for statementEntryAdded to replay

	holders := demoAccountID(t, s)
	consentID := grantConsent(t, s, tok, "http://localhost:3002/consent/callback", holders, "payments:read", "payments:initiate", "balance:read", "statement:read", "contacts:manage", "boletos:issue")
	holdersPayment := createPayments(t, s, tok, holders, "", "noread-holder")[1].ID
	ownBoleto, holdersBoleto := issueMatrixBoleto(t, s, tok, own, "noread"), issueMatrixBoleto(t, s, tok, holders, "noread-holder")

	for _, target := range []struct{ name, account, payment, boleto, payroll string }{
		{"own", own, ownPayment, ownBoleto, payrollFixture(t, s, own)}, {"consented", holders, holdersPayment, holdersBoleto, payrollFixture(t, s, holders)}} {
		for _, o := range accountOps {
			id := target.account
			if o.byPayment {
				id = target.payment
			}
			if o.byBoleto {
				id = target.boleto
			}
			if byPayroll[o.name] {
				id = target.payroll
			}
			want := !slices.Contains(opNeeds[o.name], "accounts:read") && !(treasuryOnly[o.name] && target.name == "consented")
			if got := allowedTo(t, s, tok, o, id); got != want {
				t.Errorf("%s on its %s account: allowed=%v, want %v", o.name, target.name, got, want)
			}
		}
	}
	if r := gql(t, s, tok, `{ accounts { totalCount nodes { name } } }`, nil); r.code() != "FORBIDDEN" {
		t.Errorf("accounts without accounts:read: %s %+v", r.Data["accounts"], r.Errors)
	}
	var c struct {
		Status  string
		Account *struct{ Name string }
	}
	gql(t, s, tok, `query($id: ID!) { consent(id: $id) { status account { name document email } } }`, map[string]any{"id": consentID}).decode(t, "consent", &c)
	if c.Status != "AUTHORISED" || c.Account != nil {
		t.Errorf("consent without accounts:read shows its account: %+v", c)
	}
	var list struct {
		Nodes []struct{ Account *struct{ Name string } }
	}
	gql(t, s, tok, `{ consents { nodes { account { name document email } } } }`, nil).decode(t, "consents", &list)
	for _, n := range list.Nodes {
		if len(list.Nodes) != 1 || n.Account != nil {
			t.Errorf("consents without accounts:read show an account: %+v", list)
		}
	}
}

// TestEnumeratingAccountCodesRevealsNoOne: an unrelated tenant walks 1,000 account codes around
// four customers' (two approved, one disabled, one blocked) with createInternalTransfer from its
// own empty account. Every well-formed code gives the same answer, byte for byte but for the
// payment's id, its times and the code itself: a payment whose target shows the code alone (no
// name, no document, no institution) while it has not run. Executed, every one of them fails with
// the same reason (insufficient_balance: the payer's own refusal comes before the target's), so
// neither existence nor KYC state shows. Once the payer has the money, a code nobody can receive
// on fails with invalid_target_account and moves nothing; a transfer that FINISHES names whom it
// paid to its payer; a caller who may read the target sees it all along.
func TestEnumeratingAccountCodesRevealsNoOne(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	owner, attacker, op := tenantToken(t, s), tenant2Token(t, s), operatorToken(t, s)
	cpfs := vectors(t)["cpf"].Valid
	type customer struct{ name, doc, decision, code, number string }
	customers := []*customer{
		{name: "Maria Silva Santos", doc: cpfs[2].Raw, decision: ""},
		{name: "Joana Desativada Lima", doc: cpfs[3].Raw, decision: "DISABLE"},
		{name: "Carlos Bloqueado Reis", doc: cpfs[4].Raw, decision: "BLOCK"},
		{name: "Pedro Aprovado Costa", doc: cpfs[6].Raw, decision: ""},
	}
	for _, c := range customers {
		a := create(t, s, owner, map[string]any{"name": c.name, "email": "c@example.com", "document": c.doc}).Account
		p, _ := review(t, s, op, a.ID, "APPROVE")
		if p.Account == nil || p.Account.BankAccount == nil {
			t.Fatalf("approve %s: %+v", c.name, p)
		}
		c.code = p.Account.BankAccount.AccountCode
		if c.decision != "" {
			if p, _ := review(t, s, op, a.ID, c.decision); p.Account == nil {
				t.Fatalf("%s %s: %+v", c.decision, c.name, p)
			}
		}
		var doc struct{ Document string }
		gql(t, s, op, `query($id: ID!) { account(id: $id) { document } }`, map[string]any{"id": a.ID}).decode(t, "account", &doc)
		c.number = doc.Document
	}
	payer := approvedAccount(t, s, attacker, cpfs[5].Raw)
	var own struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, attacker, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": payer}).decode(t, "account", &own)

	// 1,000 codes: the four customers' and their neighbours, as a walk over codes would go.
	taken := map[string]bool{own.BankAccount.AccountCode: true}
	codes := []string{}
	for _, c := range customers {
		taken[c.code] = true
		codes = append(codes, c.code)
	}
	for d := int64(1); len(codes) < 1000; d++ {
		for _, c := range customers {
			n, _ := strconv.ParseInt(c.code[:len(c.code)-1], 10, 64)
			for _, m := range []int64{n - d, n + d} {
				if code := accounts.AccountCode(m); !taken[code] && len(codes) < 1000 {
					taken[code] = true
					codes = append(codes, code)
				}
			}
		}
	}
	const shape = `id kind status amount { amount } fee { amount } description scheduledFor runsOn createdAt updatedAt finishedAt
		approval { status } failureReason target { name document institution { name ispb code } branchCode accountCode accountType }`
	const transfer = `mutation($a: ID!, $code: String!, $key: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "1.00", idempotencyKey: $key}) {
		payment { ` + shape + ` } userErrors { field code message } } }`
	revealsNoOne := func(t *testing.T, what, body string) {
		t.Helper()
		for _, c := range customers {
			if strings.Contains(body, c.name) || strings.Contains(body, c.number) || strings.Contains(body, strings.Fields(c.name)[1]) {
				t.Fatalf("%s reveals %s: %s", what, c.name, body)
			}
		}
	}
	// sameness is an answer with what differs by nature left out: the payment's id and times,
	// and the code the caller gave.
	sameness := func(t *testing.T, code string, payment json.RawMessage) string {
		t.Helper()
		var p map[string]any
		if err := json.Unmarshal(payment, &p); err != nil || p == nil {
			t.Fatalf("code %s: %s", code, payment)
		}
		delete(p, "id")
		delete(p, "createdAt")
		delete(p, "updatedAt")
		if tg, ok := p["target"].(map[string]any); !ok || tg["accountCode"] != code {
			t.Fatalf("code %s: the target is not the code given: %s", code, payment)
		} else {
			tg["accountCode"] = "<code>"
		}
		b, _ := json.Marshal(p)
		return string(b)
	}
	ids := map[string]string{} // code → payment id
	var first string
	for i, code := range codes {
		r := gql(t, s, attacker, transfer, map[string]any{"a": payer, "code": code, "key": fmt.Sprintf("enum-%d", i)})
		if len(r.Errors) > 0 {
			t.Fatalf("code %s: %+v", code, r.Errors)
		}
		body := string(r.Data["createInternalTransfer"])
		revealsNoOne(t, "code "+code, body)
		var created struct {
			Payment    json.RawMessage
			UserErrors []userError
		}
		if err := json.Unmarshal(r.Data["createInternalTransfer"], &created); err != nil || len(created.UserErrors) > 0 {
			t.Fatalf("code %s: %s", code, body)
		}
		var id struct{ ID string }
		if err := json.Unmarshal(created.Payment, &id); err != nil || id.ID == "" {
			t.Fatalf("code %s: %s", code, body)
		}
		ids[code] = id.ID
		if got := sameness(t, code, created.Payment); first == "" {
			first = got
		} else if got != first {
			t.Fatalf("code %s answers differently from code %s:\n%s\n%s", code, codes[0], got, first)
		}
	}
	if !strings.Contains(first, `"name":null`) || !strings.Contains(first, `"document":null`) || !strings.Contains(first, `"institution":null`) {
		t.Fatalf("the target before the transfer ran: %s", first)
	}

	// Executed from an empty account, every transfer fails for the payer's reason, whatever its code.
	const read = `query($id: ID!) { payment(id: $id) { ` + shape + ` } }`
	ran := func(t *testing.T, id, want string) json.RawMessage {
		t.Helper()
		got := gql(t, s, attacker, read, map[string]any{"id": id}).Data["payment"]
		if !strings.Contains(string(got), `"status":"`+want+`"`) { // execution is a background job
			waitStatus(t, s, attacker, id, want)
			got = gql(t, s, attacker, read, map[string]any{"id": id}).Data["payment"]
		}
		return got
	}
	first = ""
	for _, code := range codes {
		got := ran(t, ids[code], "FAILED")
		revealsNoOne(t, "the failed transfer to "+code, string(got))
		if got := sameness(t, code, got); first == "" {
			first = got
		} else if got != first {
			t.Fatalf("the transfer to %s failed differently from the one to %s:\n%s\n%s", code, codes[0], got, first)
		}
	}
	if !strings.Contains(first, `"failureReason":"INSUFFICIENT_BALANCE"`) || !strings.Contains(first, `"name":null`) {
		t.Fatalf("a transfer from an empty account: %s", first)
	}

	maria := customers[0]
	t.Run("WhoMayReadTheTargetSeesIt", func(t *testing.T) {
		r := gql(t, s, op, read, map[string]any{"id": ids[maria.code]})
		if !strings.Contains(string(r.Data["payment"]), `"name":"Maria Silva Santos","document":"`+maria.number+`"`) {
			t.Fatalf("the operator reads %s", r.Data["payment"])
		}
	})
	deposit(t, s, attacker, payer, "10.00", "enum-funds")
	t.Run("NobodyToReceiveFailsOnceThePayerCouldPay", func(t *testing.T) {
		type available struct {
			Balance struct{ Available struct{ Amount string } }
		}
		var before, after available
		const balance = `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`
		gql(t, s, attacker, balance, map[string]any{"id": payer}).decode(t, "account", &before)
		for i, code := range []string{codes[len(codes)-1], customers[1].code, customers[2].code} {
			r := gql(t, s, attacker, transfer, map[string]any{"a": payer, "code": code, "key": fmt.Sprint("enum-none-", i)})
			var p struct{ Payment struct{ ID string } }
			r.decode(t, "createInternalTransfer", &p)
			if got := ran(t, p.Payment.ID, "FAILED"); !strings.Contains(string(got), `"failureReason":"INVALID_TARGET_ACCOUNT"`) {
				t.Fatalf("to %s: %s", code, got)
			}
		}
		gql(t, s, attacker, balance, map[string]any{"id": payer}).decode(t, "account", &after)
		if after != before {
			t.Fatalf("failed transfers moved money: %+v → %+v", before, after)
		}
	})
	t.Run("ShownOnceFinished", func(t *testing.T) {
		r := gql(t, s, attacker, transfer, map[string]any{"a": payer, "code": maria.code, "key": "enum-paid"})
		var p struct{ Payment struct{ ID string } }
		r.decode(t, "createInternalTransfer", &p)
		if got := ran(t, p.Payment.ID, "FINISHED"); !strings.Contains(string(got), `"name":"Maria Silva Santos","document":"`+maria.number+`"`) {
			t.Fatalf("a finished transfer's payer reads %s", got)
		}
	})
}
