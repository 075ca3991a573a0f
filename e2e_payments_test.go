package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/browsertest"
	"github.com/ponte-bff/ponte/internal/testdb"
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
		approve := url.Values{"csrf_token": form["csrf_token"], "paymentId": {ps[0].ID, ps[1].ID}, "decision": {"approve"}}
		if res := b.post(s.URL+"/approvals", approve); res.status != http.StatusOK || !strings.Contains(res.body, "approved") {
			t.Fatalf("approve: %d\n%s", res.status, res.body)
		}
		reject := url.Values{"csrf_token": form["csrf_token"], "paymentId": {ps[2].ID}, "decision": {"reject"}}
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
		// The internal transfer is instant: it ran in the mutation that created it.
		if mine[0].Status != "FINISHED" || mine[0].FailureReason != nil {
			t.Fatalf("own account internal transfer answered %+v, want FINISHED", mine[0])
		}
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

type barcodeVectors struct {
	Boleto struct {
		Valid []struct {
			Barcode       string   `json:"barcode"`
			TypedLine     string   `json:"typed_line"`
			DueDate       *string  `json:"due_date"`
			AmountCents   int64    `json:"amount_cents"`
			Amount        string   `json:"amount"`
			BankCode      string   `json:"bank_code"`
			ValidRefRange []string `json:"valid_ref_range"`
		} `json:"valid"`
		Invalid []struct {
			Input          string `json:"input"`
			ExpectedReason string `json:"expected_reason"`
		} `json:"invalid"`
	} `json:"boleto"`
	Arrecadacao struct {
		Valid []struct {
			Barcode   string `json:"barcode"`
			TypedLine string `json:"typed_line"`
			Amount    string `json:"amount"`
			ValueKind string `json:"value_kind"`
		} `json:"valid"`
		Invalid []struct {
			Input          string `json:"input"`
			ExpectedReason string `json:"expected_reason"`
		} `json:"invalid"`
	} `json:"arrecadacao"`
}

const decodeQuery = `query($code: String!, $ref: Date) { decodeBarcode(code: $code, referenceDate: $ref) {
  valid kind typedLine barcode amount { amount } dueDate bankCode segment error errorReason } }`

type barcodeInfo struct {
	Valid                bool
	Kind, TypedLine      *string
	Barcode              *string
	Amount               *struct{ Amount string }
	DueDate, BankCode    *string
	Segment, ErrorReason *string
}

// TestDecodeBarcodeVectors runs every boleto and arrecadação vector through the decodeBarcode
// query, with the reference date pinned to each vector's valid range.
func TestDecodeBarcodeVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("brazil/testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v barcodeVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	decode := func(t *testing.T, code string, ref *string) barcodeInfo {
		t.Helper()
		vars := map[string]any{"code": code}
		if ref != nil {
			vars["ref"] = *ref
		}
		var out barcodeInfo
		gql(t, s, tok, decodeQuery, vars).decode(t, "decodeBarcode", &out)
		return out
	}
	for _, b := range v.Boleto.Valid {
		for _, code := range []string{b.Barcode, b.TypedLine} {
			got := decode(t, code, &b.ValidRefRange[0])
			if !got.Valid || *got.Kind != "BOLETO" || *got.Barcode != b.Barcode || *got.BankCode != b.BankCode {
				t.Errorf("boleto %s: %+v", code, got)
				continue
			}
			if b.AmountCents > 0 && (got.Amount == nil || got.Amount.Amount != b.Amount) {
				t.Errorf("boleto %s: amount %+v, want %s", code, got.Amount, b.Amount)
			}
			if b.DueDate != nil && (got.DueDate == nil || *got.DueDate != *b.DueDate) {
				t.Errorf("boleto %s: due %v, want %s", code, got.DueDate, *b.DueDate)
			}
		}
	}
	for _, b := range v.Boleto.Invalid {
		if got := decode(t, b.Input, nil); got.Valid || got.ErrorReason == nil || *got.ErrorReason != strings.ToUpper(b.ExpectedReason) {
			t.Errorf("invalid boleto %s: %+v, want %s", b.Input, got, b.ExpectedReason)
		}
	}
	for _, a := range v.Arrecadacao.Valid {
		for _, code := range []string{a.Barcode, a.TypedLine} {
			got := decode(t, code, nil)
			if !got.Valid || *got.Kind != "BARCODE" || *got.Barcode != a.Barcode || got.Segment == nil {
				t.Errorf("arrecadação %s: %+v", code, got)
				continue
			}
			if a.ValueKind == "effective_brl" && a.Amount != "0.00" && (got.Amount == nil || got.Amount.Amount != a.Amount) {
				t.Errorf("arrecadação %s: amount %+v, want %s", code, got.Amount, a.Amount)
			}
		}
	}
	for _, a := range v.Arrecadacao.Invalid {
		if got := decode(t, a.Input, nil); got.Valid || got.ErrorReason == nil || *got.ErrorReason != strings.ToUpper(a.ExpectedReason) {
			t.Errorf("invalid arrecadação %s: %+v, want %s", a.Input, got, a.ExpectedReason)
		}
	}
}

func TestSchedulingCalendarAndInstitutions(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	var cal struct {
		NonBusinessDays []struct {
			Date    string
			Holiday *string
		}
	}
	gql(t, s, tok, `{ schedulingCalendar(kind: TED, from: "2026-02-14", to: "2026-02-18") { nextAvailableExecutionDate executionLimitDate nonBusinessDays { date holiday } } }`, nil).
		decode(t, "schedulingCalendar", &cal)
	// Saturday, Sunday, Carnaval Monday and Tuesday; Ash Wednesday is a business day.
	if len(cal.NonBusinessDays) != 4 || cal.NonBusinessDays[2].Holiday == nil || cal.NonBusinessDays[3].Date != "2026-02-17" {
		t.Fatalf("%+v", cal)
	}
	var banks []struct{ Name, Ispb string }
	gql(t, s, tok, `{ institutions(search: "197") { name ispb } }`, nil).decode(t, "institutions", &banks)
	if len(banks) == 0 || banks[0].Ispb != "16501555" {
		t.Fatalf("%+v", banks)
	}
}

func TestPaymentFeesAreShownBefore(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_FEES": "TED=4.20"})
	var fees []struct {
		Kind string
		Fee  struct{ Amount string }
	}
	gql(t, s, tenantToken(t, s), `{ paymentFees { kind fee { amount } } }`, nil).decode(t, "paymentFees", &fees)
	got := map[string]string{}
	for _, f := range fees {
		got[f.Kind] = f.Fee.Amount
	}
	if got["TED"] != "4.20" || got["INTERNAL_TRANSFER"] != "0.00" {
		t.Fatalf("%v", got)
	}
}

// approvalScreenshot is where TestApprovalPageInBrowser leaves the approval page as a phone shows it.
const approvalScreenshot = "/tmp/approvals.png"

// TestApprovalPageInBrowser is the holder's approval journey in headless Chromium on a phone-sized
// screen (390×844), clicking the real controls: a tenant with consent creates an internal
// transfer, a TED and an arrecadação payment on the demo holder's account; the holder opens
// /approvals, logs in on the provider's form, ticks two payments and approves them, then ticks the
// third and rejects it.
func TestApprovalPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	holderAcc := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3000/consent/callback", holderAcc, "payments:initiate", "payments:read")
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw)
	var ownCode struct{ BankAccount struct{ AccountCode string } }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": own}).decode(t, "account", &ownCode)
	ps := createPayments(t, s, tok, holderAcc, ownCode.BankAccount.AccountCode, "browser")
	transfer, ted, bill := ps[0], ps[1], ps[2]
	for _, p := range ps {
		if p.Status != "CREATED" || p.Approval == nil || p.Approval.Status != "PENDING" {
			t.Fatalf("on a consented account: %+v", p)
		}
	}
	box := func(id string) chromedp.CSS { return chromedp.CSS(`input[name="paymentId"][value="` + id + `"]`) }

	ctx := browsertest.New(t)
	reqs := browsertest.RecordRequests(t, ctx)
	browsertest.Do(t, ctx, "log in on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(s.URL+"/approvals"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "holder"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "holder"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(box(transfer.ID)),
		chromedp.WaitVisible(box(ted.ID)),
		chromedp.WaitVisible(box(bill.ID)),
	)
	// The page as the holder first sees it; the controls must fit the phone's width.
	shot := browsertest.Run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	if cfg, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil || cfg.Width != 390 || cfg.Height != 844 {
		t.Errorf("screenshot is %dx%d (%v), want 390x844", cfg.Width, cfg.Height, err)
	}
	if err := os.WriteFile(approvalScreenshot, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	overflow := browsertest.Run(t, ctx, "measure the page", chromedp.Evaluate[bool](`(function () {
  var w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > w) return true;
  return Array.from(document.querySelectorAll('input[name="paymentId"], button[name="decision"]')).some(function (el) {
    var r = el.getBoundingClientRect();
    return r.left < 0 || r.right > w;
  });
})()`))
	if overflow {
		t.Errorf("the approval page is wider than a 390px phone (see %s)", approvalScreenshot)
	}

	browsertest.Do(t, ctx, "approve two",
		chromedp.Click(box(transfer.ID)),
		chromedp.Click(box(ted.ID)),
		chromedp.Click(chromedp.CSS(`button[name="decision"][value="approve"]`)),
		chromedp.WaitNotPresent(box(transfer.ID)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if n := browsertest.Run(t, ctx, "read the notice", chromedp.Text(chromedp.CSS(".notice"))); !strings.Contains(n, "approved") {
		t.Fatalf("after approving: notice %q", n)
	}
	if left := browsertest.Run(t, ctx, "list what is left", chromedp.Evaluate[int](`document.querySelectorAll('input[name="paymentId"]').length`)); left != 1 {
		t.Fatalf("%d payments still listed after approving two of three", left)
	}

	browsertest.Do(t, ctx, "reject the third",
		chromedp.Click(box(bill.ID)),
		chromedp.Click(chromedp.CSS(`button[name="decision"][value="reject"]`)),
		chromedp.WaitNotPresent(box(bill.ID)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if n := browsertest.Run(t, ctx, "read the notice", chromedp.Text(chromedp.CSS(".notice"))); !strings.Contains(n, "rejected") {
		t.Fatalf("after rejecting: notice %q", n)
	}
	if others := reqs.NotLoopback(); len(others) > 0 {
		t.Errorf("the approval journey reached beyond loopback: %v", others)
	}

	// What the tenant sees over GraphQL.
	if p := waitStatus(t, s, tok, transfer.ID, "FINISHED"); p.Approval == nil || p.Approval.Status != "APPROVED" {
		t.Errorf("approved transfer: %+v", p)
	}
	// The TED runs now inside the TED window, else on its next business day (depends on the clock).
	deadline := time.Now().Add(15 * time.Second)
	for {
		p := paymentStatus(t, s, tok, ted.ID)
		if p.Status == "FINISHED" || p.Status == "SCHEDULED" || p.Status == "DELAYED_TO_NEXT_BUSINESS_DAY" {
			if p.Approval == nil || p.Approval.Status != "APPROVED" {
				t.Errorf("approved TED: %+v", p)
			}
			t.Logf("approved TED is %s", p.Status)
			break
		}
		if p.Status != "APPROVED" || time.Now().After(deadline) {
			t.Fatalf("approved TED: %+v", p)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p := paymentStatus(t, s, tok, bill.ID); p.Status != "REJECTED" || p.Approval == nil || p.Approval.Status != "REJECTED" {
		t.Errorf("rejected payment: %+v", p)
	}
}

const (
	restartPayments  = 500
	restartAccounts  = 4
	restartSmall     = "1.00"     // an ordinary transfer: always covered
	restartOverdraft = "90000.00" // every tenth transfer: more than the paying account ever holds here
)

// TestPaymentsSurviveSIGKILL has a tenant create 500 internal transfers on the demo holder's
// account through consent, one in ten of them overdrawing, to four accounts of its own; the
// holder approves them all in one call, which makes each due in the payments' queue (an own
// account's transfer would run in its creating transaction: nothing would be in flight). It kills
// the server with SIGKILL while the batches run, restarts it on the same database and checks that every payment
// reached FINISHED or FAILED exactly once, with exactly one ledger transaction for each FINISHED
// one and none for a FAILED one, and that the ledger invariants hold.
func TestPaymentsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary twice")
	}
	began := time.Now()
	bin := buildPonte(t)
	dsn := testdb.New(t)
	db, err := database.Open(context.Background(), dsn, database.Pool{MaxOpen: 4, MaxIdle: 2, MaxLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})

	first := startPonteProcess(t, bin, dsn)
	s := &testServer{URL: first.url, Issuer: first.url + "/idp", DSN: dsn, db: db}
	tok := tenantToken(t, s)
	t.Logf("built and started in %v", time.Since(began).Round(time.Millisecond))

	// The holder's account pays; four accounts of the tenant's own receive, payment i the
	// account i%4.
	payer := demoAccountID(t, s)
	grantConsent(t, s, tok, "http://localhost:3000/consent/callback", payer, "payments:initiate", "balance:read")
	const balanceQuery = `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`
	type balanceOut struct {
		Balance struct{ Available struct{ Amount string } }
	}
	var funds balanceOut
	gql(t, s, tok, balanceQuery, map[string]any{"id": payer}).decode(t, "account", &funds)
	startFunds, err := money.Parse(funds.Balance.Available.Amount)
	if over, _ := money.Parse(restartOverdraft); err != nil || startFunds >= over {
		t.Fatalf("the holder's account holds %s (%v): the overdrafts must not be covered", funds.Balance.Available.Amount, err)
	}
	docs := vectors(t)["cnpj_numeric"].Valid
	ids, codes := make([]string, restartAccounts), make([]string, restartAccounts)
	for i := range ids {
		ids[i] = approvedAccount(t, s, tok, docs[10+i].Raw)
		var a struct{ BankAccount struct{ AccountCode string } }
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": ids[i]}).decode(t, "account", &a)
		codes[i] = a.BankAccount.AccountCode
	}

	// All 500 at once, from a pool of concurrent clients: CREATED, waiting for the holder.
	created := make([]string, restartPayments) // payment GraphQL ids by index
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	defer client.CloseIdleConnections()
	createStart := time.Now()
	var (
		wg      sync.WaitGroup
		errMu   sync.Mutex
		errs    []string
		indexes = make(chan int)
	)
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indexes {
				id, err := createRestartPayment(client, s, tok, payer, codes[i%restartAccounts], i)
				if err != nil {
					errMu.Lock()
					errs = append(errs, fmt.Sprintf("payment %d: %v", i, err))
					errMu.Unlock()
					continue
				}
				created[i] = id
			}
		}()
	}
	for i := range restartPayments {
		indexes <- i
	}
	close(indexes)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d payments not created; first: %s", len(errs), restartPayments, errs[0])
	}
	createdIn := time.Since(createStart)

	// The holder approves all of them in one call: each becomes APPROVED and its job due.
	var decided struct {
		Payments   []struct{ Status string }
		UserErrors []userError
	}
	gql(t, s, holderTokens(t, s).AccessToken, `mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { payments { status } userErrors { field code message } } }`,
		map[string]any{"ids": created}).decode(t, "approvePayments", &decided)
	if len(decided.UserErrors) > 0 || len(decided.Payments) != restartPayments {
		t.Fatalf("approve: %d payments, errors %+v", len(decided.Payments), decided.UserErrors)
	}

	// Kill as soon as the first of them has run: the jobs of most cannot have run yet.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(2 * time.Millisecond) {
		var ran int64
		if err := db.Raw(`SELECT count(*) FROM payments WHERE status IN ('FINISHED', 'FAILED')`).Scan(&ran).Error; err != nil {
			t.Fatal(err)
		}
		if ran > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no approved payment ran within a minute: %v\n%s", statusCounts(t, db), first.logTail())
		}
	}
	first.kill(t)
	atKill := statusCounts(t, db)
	var postedNotFinished int64 // killed between the ledger posting and the status change
	db.Raw(`SELECT count(*) FROM payments p WHERE p.status = 'APPROVED'
		AND EXISTS (SELECT 1 FROM ledger_transactions lt WHERE lt.operation_id = p.id)`).Scan(&postedNotFinished)
	t.Logf("created %d payments in %v; at SIGKILL: %v (%d APPROVED already posted); queue: %v",
		restartPayments, createdIn.Round(time.Millisecond), atKill, postedNotFinished, jobStates(t, db))
	if total := sumCounts(atKill); total != restartPayments {
		t.Fatalf("%d payments in the database, want %d", total, restartPayments)
	}
	if atKill["FINISHED"]+atKill["FAILED"] == 0 || atKill["APPROVED"] == 0 {
		t.Fatalf("not killed mid-execution: %v (make the batch bigger or kill sooner)", atKill)
	}
	for st := range atKill {
		if st != "APPROVED" && st != "FINISHED" && st != "FAILED" {
			t.Fatalf("an approved internal transfer is %s: %v", st, atKill)
		}
	}

	// Restart on the same database and wait until every payment has run. The batches the killed
	// server had claimed were never committed: their row locks died with its connections and the
	// payments are due again for the next claim; how long the rest takes depends on the
	// machine's load, so the wait is bounded only by the test's own deadline.
	second := startPonteProcess(t, bin, dsn)
	restarted := time.Now()
	deadline := drainDeadline(t)
	for {
		var open int64
		if err := db.Raw(`SELECT count(*) FROM payments WHERE status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY')`).Scan(&open).Error; err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d payments still waiting to run %v after the restart: %v\nqueue entries of those payments: %s\nserver log (restarted):\n%s",
				open, time.Since(restarted).Round(time.Second), statusCounts(t, db), stuckJobs(t, db), second.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("queue drained %v after the restart: %v; queue: %v", time.Since(restarted).Round(time.Millisecond), statusCounts(t, db), jobStates(t, db))

	t.Run("EveryPaymentFinishedOrFailed", func(t *testing.T) {
		type row struct {
			ID            string
			Status        string
			AmountCents   int64
			FailureReason *string
			LedgerTxn     *string
			Txns          int64
			FinalEvents   int64
			Events        int64
			LastTo        string
		}
		var rows []row
		err := db.Raw(`
			SELECT p.id, p.status, p.amount_cents, p.failure_reason, p.ledger_transaction_id::text AS ledger_txn,
			       (SELECT count(*) FROM ledger_transactions lt WHERE lt.operation_id = p.id) AS txns,
			       (SELECT count(*) FROM events e WHERE e.topic = 'payment' AND e.payment_id = p.id AND e.to_status IN ('FINISHED', 'FAILED')) AS final_events,
			       (SELECT count(*) FROM events e WHERE e.topic = 'payment' AND e.payment_id = p.id) AS events,
			       (SELECT e.to_status FROM events e WHERE e.topic = 'payment' AND e.payment_id = p.id ORDER BY e.id DESC LIMIT 1) AS last_to
			FROM payments p`).Scan(&rows).Error
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != restartPayments {
			t.Fatalf("%d payments, want %d", len(rows), restartPayments)
		}
		want := map[string]string{} // payment id → the status its amount decides
		for i, gid := range created {
			key, ok := globalid.DecodeAs(gid, globalid.Payment)
			if !ok {
				t.Fatalf("payment %d: bad id %q", i, gid)
			}
			want[key.String()] = "FINISHED"
			if restartAmount(i) == restartOverdraft {
				want[key.String()] = "FAILED"
			}
		}
		bad := 0
		for _, r := range rows {
			var problems []string
			if r.Status != want[r.ID] {
				problems = append(problems, fmt.Sprintf("status %s, want %s", r.Status, want[r.ID]))
			}
			switch r.Status {
			case "FINISHED":
				if r.Txns != 1 || r.LedgerTxn == nil {
					problems = append(problems, fmt.Sprintf("%d ledger transactions (ledger_transaction_id %v), want 1", r.Txns, r.LedgerTxn))
				}
			case "FAILED":
				if r.Txns != 0 || r.LedgerTxn != nil {
					problems = append(problems, fmt.Sprintf("FAILED with %d ledger transactions", r.Txns))
				}
				if r.FailureReason == nil || *r.FailureReason != "insufficient_balance" {
					problems = append(problems, fmt.Sprintf("failure reason %v, want insufficient_balance", r.FailureReason))
				}
			}
			// Created CREATED, approved, then one final event: APPROVED → FINISHED or FAILED.
			if r.FinalEvents != 1 || r.Events != 3 || r.LastTo != r.Status {
				problems = append(problems, fmt.Sprintf("%d events, %d of them final, last to %s", r.Events, r.FinalEvents, r.LastTo))
			}
			if len(problems) > 0 {
				bad++
				if bad <= 10 {
					t.Errorf("payment %s: %s", r.ID, strings.Join(problems, "; "))
				}
			}
		}
		if bad > 10 {
			t.Errorf("... %d payments wrong in all", bad)
		}
		var orphans int64
		db.Raw(`SELECT count(*) FROM ledger_transactions lt WHERE lt.operation_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = lt.operation_id AND p.status = 'FINISHED')`).Scan(&orphans)
		if orphans != 0 {
			t.Errorf("%d ledger transactions belong to no FINISHED payment", orphans)
		}
	})

	s.URL, s.Issuer = second.url, second.url+"/idp"
	tok = tenantToken(t, s)

	t.Run("LedgerCheckHolds", func(t *testing.T) {
		svc, err := ledger.New(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		report, err := svc.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !report.OK() {
			t.Fatalf("ledger check:\n%s", report.String())
		}
		// The holder's account: what it held, less the small transfers (the overdrafts failed and
		// moved nothing); each own account: the small transfers it received. Read over GraphQL
		// from the restarted server.
		small, _ := money.Parse(restartSmall)
		want := map[string]money.Cents{payer: startFunds}
		for i := range restartPayments {
			if restartAmount(i) == restartSmall {
				want[payer] -= small
				want[ids[i%restartAccounts]] += small
			}
		}
		for id, w := range want {
			var b balanceOut
			gql(t, s, tok, balanceQuery, map[string]any{"id": id}).decode(t, "account", &b)
			if b.Balance.Available.Amount != w.String() {
				t.Errorf("account %s: available %s, want %s", id, b.Balance.Available.Amount, w)
			}
		}
	})
	t.Logf("whole test %v", time.Since(began).Round(time.Millisecond))
}

// drainDeadline is when the restart test stops waiting for the payments to run: shortly before
// the test binary's own deadline (go test -timeout), leaving up to a minute to report and clean
// up; five minutes from now when there is none.
func drainDeadline(t *testing.T) time.Time {
	if d, ok := t.Deadline(); ok {
		return d.Add(-min(time.Minute, time.Until(d)/2))
	}
	return time.Now().Add(5 * time.Minute)
}

func restartAmount(i int) string {
	if i%10 == 9 {
		return restartOverdraft
	}
	return restartSmall
}

func createRestartPayment(client *http.Client, s *testServer, token, accountID, targetCode string, i int) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($a: ID!, $code: String!, $amount: Decimal!, $key: String!) {
			createInternalTransfer(input: {accountId: $a, targetAccountCode: $code, amount: $amount, idempotencyKey: $key}) {
				payment { id status } userErrors { code message } } }`,
		"variables": map[string]any{"a": accountID, "code": targetCode, "amount": restartAmount(i), "key": fmt.Sprintf("restart-%d", i)},
	})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data struct {
			CreateInternalTransfer struct {
				Payment    *struct{ ID, Status string }
				UserErrors []userError
			}
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
	}
	p := out.Data.CreateInternalTransfer
	if len(out.Errors) > 0 || p.Payment == nil {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
	}
	// Through consent: it waits for the holder.
	if st := p.Payment.Status; st != "CREATED" {
		return "", fmt.Errorf("created %s, want CREATED", st)
	}
	return p.Payment.ID, nil
}

// statusCounts counts the payments by status.
func statusCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	var rows []struct {
		Status string
		N      int64
	}
	if err := db.Raw(`SELECT status, count(*) AS n FROM payments GROUP BY status`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}

func sumCounts(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// jobStates counts the payments waiting in the queue (the payments table: payments.Batches) by
// whether they are due and whether an execution of theirs failed.
func jobStates(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	var rows []struct {
		State string
		N     int64
	}
	if err := db.Raw(`SELECT CASE WHEN due_at <= now() THEN 'due' ELSE 'later' END || CASE WHEN run_attempts > 0 THEN ', retrying' ELSE '' END AS state,
		count(*) AS n FROM payments WHERE due_at IS NOT NULL AND status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY') GROUP BY 1`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out
}

// stuckJobs describes the queue entries of the payments that have not run.
func stuckJobs(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var rows []struct {
		PaymentID   string
		Status      string
		DueAt       *time.Time
		RunAttempts int
	}
	err := db.Raw(`
		SELECT p.id AS payment_id, p.status, p.due_at, p.run_attempts
		FROM payments p
		WHERE p.status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY')
		ORDER BY p.created_at LIMIT 12`).Scan(&rows).Error
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  payment %s %s: due at %s, %d failed attempts\n", r.PaymentID, r.Status, derefTime(r.DueAt), r.RunAttempts)
	}
	fmt.Fprintf(&b, "  now %s", time.Now().UTC().Format(time.RFC3339))
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

func derefTime(t *time.Time) string {
	if t == nil {
		return "<none>"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// buildPonte builds the server binary from this module once for the test.
func buildPonte(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ponte")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ponteProcess is the server running as a child process.
type ponteProcess struct {
	url    string
	cmd    *exec.Cmd
	log    *syncBuffer
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// startPonteProcess runs bin on dsn on a free loopback port, in development (with its embedded
// OpenID Provider), and waits for /healthz. t.Cleanup kills it if it still runs.
func startPonteProcess(t *testing.T, bin, dsn string) *ponteProcess {
	t.Helper()
	port := freePort(t)
	p := &ponteProcess{url: fmt.Sprintf("http://localhost:%d", port), log: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Env = []string{"DATABASE_URL=" + dsn, "PORT=" + strconv.Itoa(port), "PONTE_ENV=development"}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("server on port %d:\n%s", port, p.logTail())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-p.exited:
			t.Fatalf("server exited before it was healthy: %v\n%s", p.err, p.log.String())
		default:
		}
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy within 20s\n%s", p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *ponteProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("killed server did not exit")
	}
	var ee *exec.ExitError
	if !errors.As(p.err, &ee) || ee.ExitCode() != -1 { // -1: ended by a signal
		t.Fatalf("server did not die of the signal: %v", p.err)
	}
}

func (p *ponteProcess) logTail() string {
	s := p.log.String()
	if len(s) > 8000 {
		s = "...\n" + s[len(s)-8000:]
	}
	return s
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a child process's output, written from another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
