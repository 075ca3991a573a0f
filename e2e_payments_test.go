package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/money"
)

const paymentFields = `payment { id kind status amount { amount } fee { amount } approval { status } failureReason }
    userErrors { field code message }`

type paymentOut struct {
	ID, Kind, Status string
	Amount, Fee      struct{ Amount string }
	Approval         *struct{ Status string }
	FailureReason    *string
}

type paymentPayload struct {
	Payment    *paymentOut
	UserErrors []userError
}

// createPayments creates an internal transfer (to targetCode; skipped when it is ""), a TED and
// a barcode payment on accountID.
func createPayments(t *testing.T, s *testServer, token, accountID, targetCode, prefix string) []paymentOut {
	t.Helper()
	var out []paymentOut
	calls := []struct{ field, query string }{
		{"createInternalTransfer", `mutation($a: ID!, $code: String!, $key: String!) { createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: "100.00", idempotencyKey: $key}) { ` + paymentFields + ` } }`},
		{"createTedTransfer", `mutation($a: ID!, $key: String!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "1234", accountCode: "56789-0", name: "Fornecedor Ltda", document: "11.222.333/0001-81"}, amount: "250.00", idempotencyKey: $key}) { ` + paymentFields + ` } }`},
		{"payBarcode", `mutation($a: ID!, $key: String!) { payBarcode(input: {accountId: $a, code: "816700000150234001232029503105037686027625175271", idempotencyKey: $key}) { ` + paymentFields + ` } }`},
	}
	for i, c := range calls {
		if targetCode == "" && c.field == "createInternalTransfer" {
			out = append(out, paymentOut{}) // no target account given: keep the indexes
			continue
		}
		vars := map[string]any{"a": accountID, "key": fmt.Sprintf("%s-%d", prefix, i), "code": targetCode}
		var p paymentPayload
		r := gql(t, s, token, c.query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", c.field, r.Errors)
		}
		r.decode(t, c.field, &p)
		if p.Payment == nil {
			t.Fatalf("%s: %+v", c.field, p.UserErrors)
		}
		out = append(out, *p.Payment)
	}
	return out
}

func paymentStatus(t *testing.T, s *testServer, token, id string) paymentOut {
	t.Helper()
	var p paymentOut
	gql(t, s, token, `query($id: ID!) { payment(id: $id) { id kind status amount { amount } fee { amount } approval { status } failureReason } }`,
		map[string]any{"id": id}).decode(t, "payment", &p)
	return p
}

// waitStatus polls until the payment reaches want (execution is a background job).
func waitStatus(t *testing.T, s *testServer, token, id, want string) paymentOut {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p := paymentStatus(t, s, token, id)
		if p.Status == want || time.Now().After(deadline) {
			if p.Status != want {
				var jobs []struct{ Kind, State, Errors string }
				s.db.Raw("SELECT kind, state, coalesce(errors::text, '') AS errors FROM river_job ORDER BY id").Scan(&jobs)
				t.Fatalf("payment %s is %s, want %s; jobs: %+v", id, p.Status, want, jobs)
			}
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPaymentsWithHolderApproval(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	holderAcc := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3000/consent/callback", holderAcc, "payments:initiate", "payments:read", "balance:read")
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[4].Raw)
	var ownCode struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": own}).decode(t, "account", &ownCode)

	ps := createPayments(t, s, tok, holderAcc, ownCode.BankAccount.AccountCode, "ob")
	for _, p := range ps {
		if p.Status != "CREATED" || p.Approval == nil || p.Approval.Status != "PENDING" {
			t.Fatalf("on a consented account: %+v", p)
		}
	}

	t.Run("ErrTenantCannotApprove", func(t *testing.T) {
		r := gql(t, s, tok, `mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { payments { id } } }`, map[string]any{"ids": []string{ps[0].ID}})
		if r.code() != "FORBIDDEN" {
			t.Fatalf("%+v", r.Errors)
		}
	})

	t.Run("HolderDecidesOnTheApprovalPage", func(t *testing.T) {
		b := newHolderBrowser(t)
		login := b.get(s.URL + "/approvals")
		page := b.login(login, "holder", "holder")
		for _, p := range ps {
			if !strings.Contains(page.body, `name="paymentId" value="`+p.ID+`"`) {
				t.Fatalf("approval page lacks %s:\n%s", p.ID, page.body)
			}
		}
		form := formFields(page.body)
		approve := url.Values{"session": form["session"], "csrf_token": form["csrf_token"], "paymentId": {ps[0].ID, ps[1].ID}, "decision": {"approve"}}
		if res := b.post(s.URL+"/approvals", approve); res.status != http.StatusOK || !strings.Contains(res.body, "approved") {
			t.Fatalf("approve: %d\n%s", res.status, res.body)
		}
		reject := url.Values{"session": form["session"], "csrf_token": form["csrf_token"], "paymentId": {ps[2].ID}, "decision": {"reject"}}
		if res := b.post(s.URL+"/approvals", reject); res.status != http.StatusOK || !strings.Contains(res.body, "rejected") {
			t.Fatalf("reject: %d\n%s", res.status, res.body)
		}
		waitStatus(t, s, tok, ps[0].ID, "FINISHED")
		if p := paymentStatus(t, s, tok, ps[2].ID); p.Status != "REJECTED" {
			t.Fatalf("rejected payment: %+v", p)
		}
		ted := paymentStatus(t, s, tok, ps[1].ID)
		if ted.Status != "FINISHED" && ted.Status != "DELAYED_TO_NEXT_BUSINESS_DAY" && ted.Status != "APPROVED" {
			t.Fatalf("approved TED: %+v", ted)
		}
	})

	t.Run("HolderTokenApprovesOverGraphQL", func(t *testing.T) {
		more := createPayments(t, s, tok, holderAcc, ownCode.BankAccount.AccountCode, "ob2")
		holder := holderTokens(t, s).AccessToken
		var res struct {
			Payments   []struct{ ID, Status string }
			UserErrors []userError
		}
		gql(t, s, holder, `mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { payments { id status } userErrors { code message } } }`,
			map[string]any{"ids": []string{more[0].ID}}).decode(t, "approvePayments", &res)
		if len(res.UserErrors) > 0 || len(res.Payments) != 1 {
			t.Fatalf("%+v", res)
		}
		waitStatus(t, s, tok, more[0].ID, "FINISHED")
		gql(t, s, holder, `mutation($ids: [ID!]!) { rejectPayments(input: {paymentIds: $ids}) { payments { id status } userErrors { code message } } }`,
			map[string]any{"ids": []string{more[1].ID, more[2].ID}}).decode(t, "rejectPayments", &res)
		if len(res.UserErrors) > 0 || res.Payments[0].Status != "REJECTED" {
			t.Fatalf("%+v", res)
		}
	})

	t.Run("TreasuryPaymentsNeedNoApproval", func(t *testing.T) {
		deposit(t, s, tok, own, "5000.00", "treasury-funds")
		var holderCode struct{ BankAccount struct{ AccountCode string } }
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": holderAcc}).decode(t, "account", &holderCode)
		mine := createPayments(t, s, tok, own, holderCode.BankAccount.AccountCode, "tr")
		for _, p := range mine {
			if p.Approval != nil || p.Status == "CREATED" {
				t.Fatalf("own account payment waits for approval: %+v", p)
			}
		}
		waitStatus(t, s, tok, mine[0].ID, "FINISHED")
		waitStatus(t, s, tok, mine[2].ID, "FINISHED")
	})

	t.Run("LedgerMatches", func(t *testing.T) {
		// own: +5000.00 deposited, +100.00 twice from the holder's approved transfers, -100.00 to
		// the holder, -1523.40 for the arrecadação; the TED (250.00 + 3.50 fee) only if it ran,
		// which depends on the wall clock and the TED window.
		want := int64(5000_00 + 2*100_00 - 100_00 - 1523_40)
		var tedStatus string
		if err := s.db.Raw("SELECT status FROM payments WHERE idempotency_key = 'tr-1'").Scan(&tedStatus).Error; err != nil {
			t.Fatal(err)
		}
		if tedStatus == "FINISHED" {
			want -= 250_00 + 3_50
		}
		var bal struct {
			Balance struct{ Available struct{ Amount string } }
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": own}).decode(t, "account", &bal)
		if got := bal.Balance.Available.Amount; got != money.Cents(want).String() {
			t.Fatalf("own account available %s, want %s (TED %s)", got, money.Cents(want), tedStatus)
		}
		var sum int64
		if err := s.db.Raw("SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries").Scan(&sum).Error; err != nil || sum != 0 {
			t.Fatalf("postings sum to %d (%v)", sum, err)
		}
		var events int64
		s.db.Raw("SELECT count(*) FROM events WHERE topic = 'payment'").Scan(&events)
		if events == 0 {
			t.Fatal("no payment events")
		}
	})
}

func TestRailReturnAndReceipt(t *testing.T) {
	t.Parallel()
	// The server's clock is a business day inside the TED window, whenever the test runs.
	s := startServer(t, map[string]string{"PONTE_SANDBOX_RAIL_DELAY": "100ms", testClock: businessHours})
	tok, op := tenantToken(t, s), operatorToken(t, s)
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[5].Raw)
	deposit(t, s, tok, own, "1000.00", "rail-funds")
	// A TED whose amount ends in ,13 is returned by the sandbox rail.
	var p paymentPayload
	gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "237", branchCode: "1", accountCode: "99-1", name: "Inexistente", document: "11222333000181"}, amount: "10.13", idempotencyKey: "ret", scheduledFor: null}) { `+paymentFields+` } }`,
		map[string]any{"a": own}).decode(t, "createTedTransfer", &p)
	if p.Payment == nil {
		t.Fatalf("%+v", p.UserErrors)
	}
	waitStatus(t, s, tok, p.Payment.ID, "REFUNDED")

	// A settled one has a receipt, and its PDF.
	var ok paymentPayload
	gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "237", branchCode: "1", accountCode: "99-1", name: "Fornecedor", document: "11222333000181"}, amount: "10.00", idempotencyKey: "ok"}) { `+paymentFields+` } }`,
		map[string]any{"a": own}).decode(t, "createTedTransfer", &ok)
	waitStatus(t, s, tok, ok.Payment.ID, "FINISHED")
	var withReceipt struct {
		Receipt struct {
			AuthenticationCode, PdfPath string
			TotalDebited                struct{ Amount string }
		}
	}
	gql(t, s, tok, `query($id: ID!) { payment(id: $id) { receipt { authenticationCode pdfPath totalDebited { amount } } } }`, map[string]any{"id": ok.Payment.ID}).decode(t, "payment", &withReceipt)
	if withReceipt.Receipt.AuthenticationCode == "" || withReceipt.Receipt.TotalDebited.Amount != "13.50" {
		t.Fatalf("%+v", withReceipt)
	}
	resp := getWithToken(t, s.URL+withReceipt.Receipt.PdfPath, tok)
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("receipt PDF: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := getWithToken(t, s.URL+withReceipt.Receipt.PdfPath, tenant2Token(t, s)); resp.StatusCode != 403 {
		t.Fatalf("another tenant's receipt: HTTP %d", resp.StatusCode)
	}

	// The operator plays the receiving bank and returns the settled one.
	var refunded struct {
		Payment    *paymentOut
		UserErrors []userError
	}
	gql(t, s, op, `mutation($id: ID!) { sandboxRefundPayment(input: {paymentId: $id}) { payment { status } userErrors { code } } }`, map[string]any{"id": ok.Payment.ID}).decode(t, "sandboxRefundPayment", &refunded)
	if refunded.Payment == nil || refunded.Payment.Status != "REFUNDED" {
		t.Fatalf("%+v", refunded)
	}
}
