package main

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ponte-bff/ponte/internal/browsertest"
)

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
