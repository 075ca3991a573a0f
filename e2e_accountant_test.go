package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aclindsa/ofxgo"
	"golang.org/x/text/encoding/charmap"

	"github.com/ponte-bff/ponte/money"
)

// TestAccountantFilesAndAPIAgree is the accountant's journey (issue 16, items 9 and 10): a
// deposit whose description has an emoji and a line break, a TED and its fee; the OFX read by an
// independent parser (ofxgo) with zero errors, the br CSV read as a pt-BR spreadsheet does, and
// each entry's FITID, CSV id and StatementEntry.reference one string; StatementEntry.payment
// leads to the TED, and only for a caller who may read payments.
func TestAccountantFilesAndAPIAgree(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{testClock: businessHours})
	tok := tenantToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[4].Raw)
	r := gql(t, s, tok, depositMutation, map[string]any{"input": map[string]any{"accountId": acc, "amount": "1000.00", "idempotencyKey": "acct-dep",
		"description": "Venda 🎉 balcão\nsegunda linha"}})
	if len(r.Errors) > 0 {
		t.Fatalf("deposit: %+v", r.Errors)
	}
	var ted paymentPayload
	gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "1", accountCode: "2-3", name: "Fornecedor", document: "11222333000181"}, amount: "250.00", idempotencyKey: "acct-ted"}) { `+paymentFields+` } }`,
		map[string]any{"a": acc}).decode(t, "createTedTransfer", &ted)
	if ted.Payment == nil {
		t.Fatalf("%+v", ted.UserErrors)
	}
	waitStatus(t, s, tok, ted.Payment.ID, "FINISHED")

	type entry struct {
		Reference, Kind, Direction string
		Amount                     struct{ Amount string }
		Payment                    *struct{ ID string }
	}
	const statementQuery = `query($id: ID!) { account(id: $id) { balance { available { amount } } statement(first: 10) { nodes { reference kind direction amount { amount } payment { id } } } } }`
	var view struct {
		Balance   struct{ Available struct{ Amount string } }
		Statement struct{ Nodes []entry }
	}
	if r := gql(t, s, tok, statementQuery, map[string]any{"id": acc}); len(r.Errors) > 0 {
		t.Fatalf("statement: %+v", r.Errors)
	} else {
		r.decode(t, "account", &view)
	}
	entries := view.Statement.Nodes
	if len(entries) != 3 {
		t.Fatalf("%d entries, want the deposit, the TED and its fee: %+v", len(entries), entries)
	}
	refs := map[string]entry{}
	for _, e := range entries {
		refs[e.Reference] = e
		if fromTED := e.Kind == "EXTERNAL" && e.Direction == "DEBIT" || e.Kind == "FEE"; fromTED != (e.Payment != nil) || fromTED && e.Payment.ID != ted.Payment.ID {
			t.Errorf("entry %+v: payment %+v, want the TED exactly for its debit and fee", e, e.Payment)
		}
	}

	t.Run("OFXParsedByOfxgoWithFITIDsAsReferences", func(t *testing.T) {
		raw := download(t, s.URL+"/accounts/"+acc+"/statement.ofx", tok)
		if bytes.ContainsRune(raw, 0x1A) || !bytes.Contains(raw, []byte("<MEMO>Venda ? balc\xe3o segunda linha\r\n")) {
			t.Fatalf("the emoji is not a '?' in Windows-1252:\n%q", raw)
		}
		resp, err := ofxgo.ParseResponse(charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("ofxgo: %v", err)
		}
		stmt := resp.Bank[0].(*ofxgo.StatementResponse)
		if len(stmt.BankTranList.Transactions) != len(entries) {
			t.Fatalf("%d transactions", len(stmt.BankTranList.Transactions))
		}
		for _, tr := range stmt.BankTranList.Transactions {
			e, ok := refs[string(tr.FiTID)]
			if !ok {
				t.Fatalf("FITID %s is no StatementEntry.reference", tr.FiTID)
			}
			if want := map[bool]string{true: "FEE", false: map[string]string{"DEBIT": "DEBIT", "CREDIT": "CREDIT"}[e.Direction]}[e.Kind == "FEE"]; tr.TrnType.String() != want {
				t.Errorf("%s: TRNTYPE %s, want %s", e.Reference, tr.TrnType, want)
			}
		}
	})

	t.Run("BrazilianCSVGivesTheLedgersNumbers", func(t *testing.T) {
		raw := download(t, s.URL+"/accounts/"+acc+"/statement.csv?dialect=br", tok)
		body, ok := bytes.CutPrefix(raw, []byte("\xEF\xBB\xBF"))
		if !ok {
			t.Fatal("no byte order mark")
		}
		cr := csv.NewReader(bytes.NewReader(body))
		cr.Comma = ';'
		records, err := cr.ReadAll()
		if err != nil || len(records) != 1+len(entries) || strings.Count(string(body), "\n") != len(records) {
			t.Fatalf("%v: %d records in\n%s", err, len(records), body)
		}
		var sum money.Cents
		for _, rec := range records[1:] {
			e, ok := refs[rec[0]]
			amount, err := money.Parse(strings.Replace(rec[5], ",", ".", 1))
			if !ok || err != nil || amount.String() != map[string]string{"CREDIT": "", "DEBIT": "-"}[e.Direction]+e.Amount.Amount {
				t.Errorf("record %v: entry %+v (%v)", rec, e, err)
			}
			if _, err := time.Parse("02/01/2006", rec[2]); err != nil {
				t.Errorf("date %q: %v", rec[2], err)
			}
			sum += amount
		}
		if sum.String() != view.Balance.Available.Amount {
			t.Fatalf("the amounts sum to %s, the balance is %s", sum, view.Balance.Available.Amount)
		}
		if res := getWithToken(t, s.URL+"/accounts/"+acc+"/statement.csv?dialect=excel", tok); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("an unknown dialect: HTTP %d", res.StatusCode)
		}
	})

	t.Run("PaymentEdgeNeedsPaymentsRead", func(t *testing.T) {
		narrow := scopedToken(t, s, "demo-erp", "demo-erp-secret", []string{"accounts:read", "statement:read"})
		r := gql(t, s, narrow, `query($id: ID!) { account(id: $id) { statement(first: 10) { nodes { reference payment { id } } } } }`, map[string]any{"id": acc})
		if r.code() != "FORBIDDEN" || strings.Contains(string(r.Data["account"]), ted.Payment.ID) || !strings.Contains(string(r.Data["account"]), `"payment":null`) {
			t.Fatalf("without payments:read: %s %+v", r.Data["account"], r.Errors)
		}
		for _, e := range r.Errors {
			if e.Path[len(e.Path)-1] != "payment" {
				t.Fatalf("a refusal at %v, not at the payment edge", e.Path)
			}
		}
		if len(r.Errors) != 2 {
			t.Fatalf("%d refusals, want one for each of the TED's two entries: %+v", len(r.Errors), r.Errors)
		}
	})
}

// download GETs u with token and returns the body of a 200 answer.
func download(t *testing.T, u, token string) []byte {
	t.Helper()
	res := getWithToken(t, u, token)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d %v\n%s", u, res.StatusCode, err, b)
	}
	return b
}

const verifyQuery = `query($code: String!) { verifyReceipt(authenticationCode: $code) { authentic kind paymentKind paymentStatus amount { amount } fee { amount } payerName payerDocument beneficiaryName finishedAt scheduledTo refundedAt } }`

type verification struct {
	Authentic                                 bool
	Kind, PaymentKind, PaymentStatus          *string
	PayerName, PayerDocument, BeneficiaryName *string
	FinishedAt, ScheduledTo, RefundedAt       *string
	Amount                                    *struct{ Amount string }
}

// verify asks verifyReceipt without a token, as whoever holds a printed receipt does.
func verify(t *testing.T, s *testServer, code string) (verification, string) {
	t.Helper()
	r := gql(t, s, "", verifyQuery, map[string]any{"code": code})
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("verifyReceipt without a token: HTTP %d %+v", r.Status, r.Errors)
	}
	var v verification
	r.decode(t, "verifyReceipt", &v)
	return v, string(r.Data["verifyReceipt"])
}

// TestReceiptsScheduledRefundedAndVerified (issue 16, item 11): a scheduled TED has its
// comprovante de agendamento, a returned one its comprovante de devolução; verifyReceipt, with no
// token, confirms each code and what it covers, refuses a forged one saying nothing more, and
// stops a client that asks too often.
func TestReceiptsScheduledRefundedAndVerified(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{testClock: businessHours})
	tok, op := tenantToken(t, s), operatorToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw)
	deposit(t, s, tok, acc, "1000.00", "rcpt-funds")
	ted := func(key, amount, scheduledFor string) paymentOut {
		var p paymentPayload
		vars := map[string]any{"a": acc, "key": key, "amount": amount, "on": nil}
		if scheduledFor != "" {
			vars["on"] = scheduledFor
		}
		gql(t, s, tok, `mutation($a: ID!, $key: String!, $amount: Decimal!, $on: Date) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "472", accountCode: "98765-4", name: "Maria Conceição Araújo", document: "24843803480"}, amount: $amount, idempotencyKey: $key, scheduledFor: $on}) { `+paymentFields+` } }`,
			vars).decode(t, "createTedTransfer", &p)
		if p.Payment == nil {
			t.Fatalf("%+v", p.UserErrors)
		}
		return *p.Payment
	}

	var scheduledCode string
	t.Run("SchedulingReceipt", func(t *testing.T) {
		// A business day a week or more after the first possible one: surely a future one, and one
		// a TED is not moved from.
		today := time.Now().Format(time.DateOnly)
		var next struct{ NextAvailableExecutionDate string }
		gql(t, s, tok, `query($d: Date!) { schedulingCalendar(kind: TED, from: $d, to: $d) { nextAvailableExecutionDate } }`, map[string]any{"d": today}).decode(t, "schedulingCalendar", &next)
		first, _ := time.Parse(time.DateOnly, next.NextAvailableExecutionDate)
		from, to := first.AddDate(0, 0, 7), first.AddDate(0, 0, 21)
		var cal struct{ NonBusinessDays []struct{ Date string } }
		gql(t, s, tok, `query($from: Date!, $to: Date!) { schedulingCalendar(kind: TED, from: $from, to: $to) { nonBusinessDays { date } } }`,
			map[string]any{"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}).decode(t, "schedulingCalendar", &cal)
		on := ""
		for d := from; on == "" && !d.After(to); d = d.AddDate(0, 0, 1) {
			if !slices.ContainsFunc(cal.NonBusinessDays, func(n struct{ Date string }) bool { return n.Date == d.Format(time.DateOnly) }) {
				on = d.Format(time.DateOnly)
			}
		}
		p := ted("rcpt-scheduled", "42.00", on)
		p = waitStatus(t, s, tok, p.ID, "SCHEDULED")
		var got struct {
			Receipt           *struct{ AuthenticationCode string }
			SchedulingReceipt *struct {
				AuthenticationCode, ScheduledTo, PdfPath string
				TotalToDebit                             struct{ Amount string }
			}
		}
		gql(t, s, tok, `query($id: ID!) { payment(id: $id) { receipt { authenticationCode } schedulingReceipt { authenticationCode scheduledTo pdfPath totalToDebit { amount } } } }`,
			map[string]any{"id": p.ID}).decode(t, "payment", &got)
		sr := got.SchedulingReceipt
		if got.Receipt != nil || sr == nil || sr.ScheduledTo != on || sr.TotalToDebit.Amount != money.Cents(4200+p.feeCents(t)).String() {
			t.Fatalf("scheduled payment's receipts: %+v / %+v", got.Receipt, sr)
		}
		pdf := download(t, s.URL+sr.PdfPath, tok)
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatal("the scheduling receipt is not a PDF")
		}
		v, _ := verify(t, s, strings.ToLower(sr.AuthenticationCode))
		if !v.Authentic || *v.Kind != "SCHEDULING" || *v.PaymentStatus != "SCHEDULED" || *v.ScheduledTo != on || v.FinishedAt != nil ||
			*v.PayerName != "Empresa Exemplo" || *v.BeneficiaryName != "Maria Conceição Araújo" || v.Amount.Amount != "42.00" {
			t.Fatalf("verifyReceipt of the scheduling: %+v", v)
		}
		scheduledCode = sr.AuthenticationCode
	})

	var paidCode string
	t.Run("RefundReceipt", func(t *testing.T) {
		p := ted("rcpt-now", "10.00", "")
		waitStatus(t, s, tok, p.ID, "FINISHED")
		var before struct {
			Receipt struct{ AuthenticationCode, Kind string }
		}
		gql(t, s, tok, `query($id: ID!) { payment(id: $id) { receipt { authenticationCode kind } } }`, map[string]any{"id": p.ID}).decode(t, "payment", &before)
		paidCode = before.Receipt.AuthenticationCode
		if v, _ := verify(t, s, paidCode); !v.Authentic || *v.Kind != "PAYMENT" || *v.PaymentStatus != "FINISHED" || *v.PayerDocument != vectors(t)["cnpj_numeric"].Valid[6].Formatted {
			t.Fatalf("verifyReceipt of the payment: %+v", v)
		}
		if r := gql(t, s, op, `mutation($id: ID!) { sandboxRefundPayment(input: {paymentId: $id, reason: "conta encerrada"}) { userErrors { code } } }`, map[string]any{"id": p.ID}); len(r.Errors) > 0 {
			t.Fatalf("refund: %+v", r.Errors)
		}
		var after struct {
			Status  string
			Receipt struct {
				AuthenticationCode, Kind, PdfPath string
				Refund                            *struct {
					Amount struct{ Amount string }
					Reason string
				}
			}
		}
		gql(t, s, tok, `query($id: ID!) { payment(id: $id) { status receipt { authenticationCode kind pdfPath refund { amount { amount } reason } } } }`, map[string]any{"id": p.ID}).decode(t, "payment", &after)
		rc := after.Receipt
		if after.Status != "REFUNDED" || rc.Kind != "REFUND" || rc.Refund == nil || rc.Refund.Reason != "conta encerrada" ||
			rc.Refund.Amount.Amount != money.Cents(1000+p.feeCents(t)).String() || rc.AuthenticationCode == paidCode {
			t.Fatalf("refunded payment's receipt: %+v", after)
		}
		if pdf := download(t, s.URL+rc.PdfPath, tok); !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatal("the refund receipt is not a PDF")
		}
		v, _ := verify(t, s, rc.AuthenticationCode)
		if !v.Authentic || *v.Kind != "REFUND" || v.RefundedAt == nil || v.FinishedAt == nil {
			t.Fatalf("verifyReceipt of the refund: %+v", v)
		}
		// The payment's own receipt stays authentic, and now says the payment was returned.
		if v, _ := verify(t, s, paidCode); !v.Authentic || *v.Kind != "PAYMENT" || *v.PaymentStatus != "REFUNDED" {
			t.Fatalf("the payment's receipt after its refund: %+v", v)
		}
	})

	t.Run("ForgedCodesLearnNothing", func(t *testing.T) {
		flip := func(code string) string {
			b := []byte(code)
			b[0] = map[byte]byte{'0': '1'}[b[0]]
			if b[0] == 0 {
				b[0] = '0'
			}
			return string(b)
		}
		var answers []string
		for _, forged := range []string{flip(paidCode), flip(scheduledCode), "0000-0000-0000-0000-0000-0000-0000-0000", "not a code", strings.Repeat("F", 33), ""} {
			v, raw := verify(t, s, forged)
			if v.Authentic {
				t.Fatalf("%q verified", forged)
			}
			answers = append(answers, raw)
		}
		for _, a := range answers {
			if a != answers[0] || strings.Count(a, "null") != 11 {
				t.Fatalf("refusals differ or say something: %v", answers)
			}
		}
		page := download(t, s.URL+"/receipts/verify?code="+strings.ReplaceAll(paidCode, "-", "+"), "")
		if !bytes.Contains(page, []byte("Comprovante autêntico")) || !bytes.Contains(page, []byte("R$ 10,00")) {
			t.Fatalf("the verification page for a real code:\n%s", page)
		}
		if page := download(t, s.URL+"/receipts/verify?code="+flip(paidCode), ""); !bytes.Contains(page, []byte("Código não reconhecido")) {
			t.Fatalf("the verification page for a forged code:\n%s", page)
		}
		if r := gql(t, s, "", `query($code: String!) { verifyReceipt(authenticationCode: $code) { authentic } viewer { kind } }`, map[string]any{"code": paidCode}); r.Status != http.StatusUnauthorized {
			t.Fatalf("a public field shielded a private one: HTTP %d %+v", r.Status, r.Errors)
		}
	})

	t.Run("RateLimitedPerClient", func(t *testing.T) {
		var q strings.Builder
		q.WriteString(`query($code: String!) {`)
		for i := range 25 {
			fmt.Fprintf(&q, ` v%d: verifyReceipt(authenticationCode: $code) { authentic }`, i)
		}
		q.WriteString(` }`)
		r := gql(t, s, "", q.String(), map[string]any{"code": paidCode})
		if r.code() != "RATE_LIMITED" {
			t.Fatalf("25 verifications at once from one address: %+v", r.Errors)
		}
	})
}

// feeCents is the payment's fee in cents.
func (p paymentOut) feeCents(t *testing.T) money.Cents {
	t.Helper()
	c, err := money.Parse(p.Fee.Amount)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccountHolderFieldsAndAge (issue 16, item 12): Stone's username and enabled, and a person
// under 18 refused with a field userError, as the schema's dateOfBirth promises.
func TestAccountHolderFieldsAndAge(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok, op := tenantToken(t, s), operatorToken(t, s)
	cpfs := vectors(t)["cpf"].Valid
	const fields = `mutation($in: CreateAccountInput!) { createAccount(input: $in) { account { id username enabled status } userErrors { field code message } } }`
	type payload struct {
		Account *struct {
			ID, Status string
			Username   *string
			Enabled    bool
		}
		UserErrors []userError
	}
	open := func(in map[string]any) payload {
		var p payload
		gql(t, s, tok, fields, map[string]any{"in": in}).decode(t, "createAccount", &p)
		return p
	}
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	today := time.Now().In(sp)

	minor := open(map[string]any{"name": "Joana Menor", "email": "j@example.com", "document": cpfs[0].Raw,
		"dateOfBirth": today.AddDate(-18, 0, 1).Format(time.DateOnly)})
	if minor.Account != nil || len(minor.UserErrors) != 1 || strings.Join(minor.UserErrors[0].Field, ".") != "input.dateOfBirth" || minor.UserErrors[0].Code != "INVALID" {
		t.Fatalf("a person 18 tomorrow: %+v", minor)
	}
	adult := open(map[string]any{"name": "Jose Penteado", "email": "jose@example.com", "document": cpfs[0].Raw, "username": "MyUserName",
		"dateOfBirth": today.AddDate(-18, 0, -1).Format(time.DateOnly)}) // 18 yesterday (the day itself: banking/accounts)
	if adult.Account == nil || adult.Account.Username == nil || *adult.Account.Username != "myusername" || !adult.Account.Enabled {
		t.Fatalf("a person of 18: %+v", adult)
	}
	if taken := open(map[string]any{"name": "Outra Pessoa", "email": "o@example.com", "document": cpfs[1].Raw, "username": "myusername"}); taken.Account != nil ||
		strings.Join(taken.UserErrors[0].Field, ".") != "input.username" {
		t.Fatalf("a taken username: %+v", taken)
	}
	review(t, s, op, adult.Account.ID, "APPROVE")
	if p, _ := review(t, s, op, adult.Account.ID, "DISABLE"); p.Account == nil || p.Account.Status != "DISABLED" {
		t.Fatalf("disable: %+v", p)
	}
	var after struct{ Enabled bool }
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { enabled } }`, map[string]any{"id": adult.Account.ID}).decode(t, "account", &after)
	if after.Enabled {
		t.Fatal("a DISABLED account is enabled")
	}
}
