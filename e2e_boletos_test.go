package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
)

const boletoFields = `boleto { id kind status amount { amount } dueDate limitDate ourNumber barcode typedLine pdfUrl
	customer { name document } beneficiary { name document accountCode institution { code } }
	paidAmount { amount } payer { name document } instructions }
	userErrors { field code message }`

type boletoOut struct {
	ID, Kind, Status              string
	Amount                        struct{ Amount string }
	DueDate, LimitDate, OurNumber string
	Barcode, TypedLine, PdfURL    string
	Customer, Beneficiary         struct{ Name, Document, AccountCode string }
	PaidAmount                    *struct{ Amount string }
	Payer                         *struct{ Name, Document string }
	Instructions                  []string
}

type boletoPayload struct {
	Boleto     *boletoOut
	UserErrors []userError
}

func issueBoleto(t *testing.T, s *testServer, token string, input map[string]any) boletoPayload {
	t.Helper()
	r := gql(t, s, token, `mutation($in: IssueBoletoInput!) { issueBoleto(input: $in) { `+boletoFields+` } }`, map[string]any{"in": input})
	if len(r.Errors) > 0 {
		t.Fatalf("issueBoleto: %+v", r.Errors)
	}
	var p boletoPayload
	r.decode(t, "issueBoleto", &p)
	return p
}

// waitBoleto polls until the boleto reaches want (registration is a background job).
func waitBoleto(t *testing.T, s *testServer, token, id, want string) boletoOut {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var b boletoOut
		gql(t, s, token, `query($id: ID!) { boleto(id: $id) { id status paidAmount { amount } payer { name document } } }`, map[string]any{"id": id}).decode(t, "boleto", &b)
		if b.Status == want {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("boleto %s is %s, want %s", id, b.Status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBoletoIssuedByAPaidByB: tenant A's ERP issues a COBRANCA whose code decodeBarcode reads
// back; tenant B pays it from its own account with payBarcode. B is debited and A credited in one
// ledger transaction (boleto_settlement on A, counterparty B), the boleto is SETTLED, and A's ERP
// hears barcode_payment_invoice_settled exactly once over its webhook and over its subscription.
// Paying it again is refused before anything moves, and B's ERP cannot read A's boleto.
func TestBoletoIssuedByAPaidByB(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_WEBHOOK_BACKOFF": "100ms", "PONTE_BOLETO_REGISTRY_DELAY": "0s"})
	tokA, tokB := tenantToken(t, s), tenant2Token(t, s)
	recv := &erpReceiver{}
	hooks := httptest.NewServer(recv)
	defer hooks.Close()
	var created struct {
		Secret     string
		UserErrors []userError
	}
	gql(t, s, tokA, `mutation($url: String!) { createWebhookEndpoint(input: {url: $url, events: ["barcode_payment_invoice_settled", "barcode_payment_invoice_cancelled"]}) { secret userErrors { code message } } }`,
		map[string]any{"url": hooks.URL + "/hooks"}).decode(t, "createWebhookEndpoint", &created)
	if created.Secret == "" || len(created.UserErrors) > 0 {
		t.Fatalf("%+v", created)
	}
	recv.mu.Lock()
	recv.secret = created.Secret
	recv.mu.Unlock()

	a := approvedAccount(t, s, tokA, vectors(t)["cnpj_numeric"].Valid[13].Raw)
	b := approvedAccount(t, s, tokB, vectors(t)["cnpj_numeric"].Valid[14].Raw)
	deposit(t, s, tokB, b, "1000.00", "funds")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp := postSSE(t, ctx, s, tokA, `subscription($a: ID, $after: String) { boletoStatusChanged(accountId: $a, after: $after) { name status previousStatus cursor boleto { id status } } }`,
		map[string]any{"a": a, "after": logStart})
	defer resp.Body.Close()

	today := time.Now().In(brazilZone())
	due := today.AddDate(0, 0, 10).Format(time.DateOnly)
	p := issueBoleto(t, s, tokA, map[string]any{"accountId": a, "kind": "COBRANCA", "amount": "123.45", "dueDate": due,
		"limitDate": today.AddDate(0, 0, 40).Format(time.DateOnly), "customer": map[string]any{"name": "Cliente B", "document": vectors(t)["cnpj_numeric"].Valid[14].Raw},
		"fine": map[string]any{"rate": "2.00"}, "interest": map[string]any{"monthlyRate": "1.00"}, "idempotencyKey": "issue-1"})
	if p.Boleto == nil || p.Boleto.Status != "CREATED" || p.Boleto.PdfURL != "/boletos/"+p.Boleto.ID+".pdf" || len(p.Boleto.Instructions) < 2 {
		t.Fatalf("issueBoleto: %+v", p)
	}
	var info struct {
		Valid    bool
		Amount   struct{ Amount string }
		DueDate  string
		BankCode string
	}
	for _, code := range []string{p.Boleto.TypedLine, p.Boleto.Barcode} {
		gql(t, s, tokA, `query($c: String!) { decodeBarcode(code: $c) { valid amount { amount } dueDate bankCode } }`, map[string]any{"c": code}).decode(t, "decodeBarcode", &info)
		if !info.Valid || info.Amount.Amount != "123.45" || info.DueDate != due || info.BankCode != "197" {
			t.Fatalf("decodeBarcode(%s) = %+v", code, info)
		}
	}
	waitBoleto(t, s, tokA, p.Boleto.ID, "REGISTERED")
	var late struct{ AmountDue struct{ Amount string } }
	tenLate := today.AddDate(0, 0, 20).Format(time.DateOnly)
	gql(t, s, tokA, `query($id: ID!, $on: Date!) { boleto(id: $id) { amountDue(on: $on) { amount } } }`, map[string]any{"id": p.Boleto.ID, "on": tenLate}).decode(t, "boleto", &late)
	if late.AmountDue.Amount != "126.33" { // 123.45 + fine 2.469 → 2.47 + 10 days of 1 %/month 0.4115 → 0.41
		t.Fatalf("amountDue 10 days late = %s", late.AmountDue.Amount)
	}

	var pay paymentPayload
	gql(t, s, tokB, `mutation($a: ID!, $code: String!) { payBarcode(input: {accountId: $a, code: $code, idempotencyKey: "pay-1"}) { `+paymentFields+` } }`,
		map[string]any{"a": b, "code": p.Boleto.TypedLine}).decode(t, "payBarcode", &pay)
	if pay.Payment == nil || pay.Payment.Amount.Amount != "123.45" {
		t.Fatalf("payBarcode: %+v", pay)
	}
	waitStatus(t, s, tokB, pay.Payment.ID, "FINISHED")
	settled := waitBoleto(t, s, tokA, p.Boleto.ID, "SETTLED")
	if settled.PaidAmount == nil || settled.PaidAmount.Amount != "123.45" || settled.Payer == nil || settled.Payer.Document != vectors(t)["cnpj_numeric"].Valid[14].Raw {
		t.Fatalf("settled boleto: %+v", settled)
	}
	var entries []struct {
		TransactionID, Kind, Direction string
		Counterparty                   string
	}
	s.db.Raw(`SELECT e.transaction_id, e.kind, CASE WHEN e.amount_cents > 0 THEN 'CREDIT' ELSE 'DEBIT' END AS direction, coalesce(e.counterparty::text, '') AS counterparty
		FROM ledger_entries e WHERE e.kind IN ('payment', 'boleto_settlement') ORDER BY e.amount_cents`).Scan(&entries)
	if len(entries) != 2 || entries[0].TransactionID != entries[1].TransactionID || entries[0].Direction != "DEBIT" ||
		entries[1].Kind != "boleto_settlement" || !strings.Contains(entries[1].Counterparty, vectors(t)["cnpj_numeric"].Valid[14].Raw) {
		t.Fatalf("not one ledger transaction debiting B and crediting A: %+v", entries)
	}
	var balances struct {
		Balance struct{ Available struct{ Amount string } }
	}
	gql(t, s, tokA, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": a}).decode(t, "account", &balances)
	if balances.Balance.Available.Amount != "123.45" {
		t.Errorf("A's balance %s", balances.Balance.Available.Amount)
	}

	// Paid already: refused before anything moves; and B's ERP never sees A's boleto.
	var again paymentPayload
	gql(t, s, tokB, `mutation($a: ID!, $code: String!) { payBarcode(input: {accountId: $a, code: $code, idempotencyKey: "pay-2"}) { `+paymentFields+` } }`,
		map[string]any{"a": b, "code": p.Boleto.Barcode}).decode(t, "payBarcode", &again)
	if again.Payment != nil || len(again.UserErrors) != 1 || again.UserErrors[0].Code != "INVALID_STATE" || strings.Join(again.UserErrors[0].Field, ".") != "input.code" {
		t.Fatalf("paying a SETTLED boleto: %+v", again)
	}
	if r := gql(t, s, tokB, `query($id: ID!) { boleto(id: $id) { id } }`, map[string]any{"id": p.Boleto.ID}); r.code() != "FORBIDDEN" {
		t.Fatalf("tenant B read A's boleto: %s", r.Data["boleto"])
	}

	// A later change (a second boleto, cancelled) marks the end: everything before it has arrived.
	second := issueBoleto(t, s, tokA, map[string]any{"accountId": a, "kind": "PROPOSTA", "amount": "50.00", "dueDate": due,
		"customer": map[string]any{"name": "Cliente B", "document": vectors(t)["cnpj_numeric"].Valid[14].Raw}, "idempotencyKey": "issue-2"})
	var cancelled struct {
		Boleto     *struct{ Status string }
		UserErrors []userError
	}
	gql(t, s, tokA, `mutation($id: ID!) { cancelBoleto(input: {boletoId: $id}) { boleto { status } userErrors { code } } }`, map[string]any{"id": second.Boleto.ID}).decode(t, "cancelBoleto", &cancelled)
	if cancelled.Boleto == nil || cancelled.Boleto.Status != "CANCELLATION_REQUESTED" {
		t.Fatalf("cancelBoleto: %+v", cancelled)
	}
	names := map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		var ev struct {
			Data struct {
				BoletoStatusChanged struct {
					Name   string
					Boleto struct{ ID string }
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		e := ev.Data.BoletoStatusChanged
		names[e.Name]++
		if e.Name == "barcode_payment_invoice_cancelled" && e.Boleto.ID == second.Boleto.ID {
			break
		}
	}
	if names["barcode_payment_invoice_settled"] != 1 || names["barcode_payment_invoice_created"] != 2 || names["barcode_payment_invoice_registered"] < 1 {
		t.Fatalf("subscription events %v (%v)", names, sc.Err())
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		recv.mu.Lock()
		types := append([]string(nil), recv.types...)
		recv.mu.Unlock()
		if len(types) == 2 || time.Now().After(deadline) {
			slices.Sort(types) // each delivery is its own job: any order
			if strings.Join(types, ",") != "barcode_payment_invoice_cancelled,barcode_payment_invoice_settled" {
				t.Fatalf("webhooks received %v", types)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIssueBoletoRefusalsOverGraphQL: a broken rule is a userError on its input field and
// nothing is written; an operator sets an account's own range, which boletoLimits shows.
func TestIssueBoletoRefusalsOverGraphQL(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	a := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[15].Raw)
	due := time.Now().In(brazilZone()).AddDate(0, 0, 5).Format(time.DateOnly)
	p := issueBoleto(t, s, tok, map[string]any{"accountId": a, "kind": "PROPOSTA", "amount": "19.99", "dueDate": due,
		"customer": map[string]any{"name": "Cliente", "document": "24843803480"}, "fine": map[string]any{"rate": "1.00"}, "idempotencyKey": "bad"})
	fields := map[string]string{}
	for _, e := range p.UserErrors {
		fields[strings.Join(e.Field, ".")] = e.Code
	}
	if p.Boleto != nil || fields["input.amount"] != "INVALID" || fields["input.fine"] != "INVALID" || len(fields) != 2 {
		t.Fatalf("refusals %+v", p)
	}
	var n int64
	s.db.Table("boletos").Count(&n)
	if n != 0 {
		t.Fatalf("%d boletos written", n)
	}
	var set struct {
		BoletoLimits *struct{ Minimum, Maximum struct{ Amount string } }
		UserErrors   []userError
	}
	gql(t, s, operatorToken(t, s), `mutation($a: ID!) { setBoletoLimits(input: {accountId: $a, minimum: "10.00", maximum: "20000.00"}) { boletoLimits { minimum { amount } maximum { amount } } userErrors { code } } }`,
		map[string]any{"a": a}).decode(t, "setBoletoLimits", &set)
	if set.BoletoLimits == nil || set.BoletoLimits.Minimum.Amount != "10.00" {
		t.Fatalf("setBoletoLimits: %+v", set)
	}
	if r := gql(t, s, tok, `mutation($a: ID!) { setBoletoLimits(input: {accountId: $a, minimum: "1.00", maximum: "2.00"}) { userErrors { code } } }`, map[string]any{"a": a}); r.code() != "FORBIDDEN" {
		t.Fatalf("a tenant set its own limits: %+v", r.Errors)
	}
	var acc struct {
		BoletoLimits struct{ Minimum, Maximum struct{ Amount string } }
	}
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { boletoLimits { minimum { amount } maximum { amount } } } }`, map[string]any{"id": a}).decode(t, "account", &acc)
	if acc.BoletoLimits.Minimum.Amount != "10.00" || acc.BoletoLimits.Maximum.Amount != "20000.00" {
		t.Fatalf("boletoLimits %+v", acc)
	}
	big := issueBoleto(t, s, tok, map[string]any{"accountId": a, "kind": "PROPOSTA", "amount": "15000.00", "dueDate": due,
		"customer": map[string]any{"name": "Cliente", "document": "24843803480"}, "idempotencyKey": "ok"})
	if big.Boleto == nil {
		t.Fatalf("within the account's own range: %+v", big.UserErrors)
	}

	// Paid at another bank: noted now, credited on the next business day by the clearing; it can
	// no longer be cancelled.
	var paid boletoPayload
	gql(t, s, tok, `mutation($c: String!) { sandboxPayBoleto(input: {code: $c, amount: "15000.00", payerName: "Pagador Externo", payerDocument: "24843803480"}) { `+boletoFields+` } }`,
		map[string]any{"c": big.Boleto.TypedLine}).decode(t, "sandboxPayBoleto", &paid)
	if paid.Boleto == nil || paid.Boleto.PaidAmount == nil || paid.Boleto.PaidAmount.Amount != "15000.00" || paid.Boleto.Payer == nil || paid.Boleto.Payer.Name != "Pagador Externo" || paid.Boleto.Status == "SETTLED" {
		t.Fatalf("sandboxPayBoleto: %+v", paid)
	}
	var creditOn time.Time
	s.db.Raw("SELECT credit_on FROM boletos WHERE typed_line = ?", big.Boleto.TypedLine).Scan(&creditOn)
	if want := brazil.NextBusinessDay(brazil.DateOf(time.Now().In(saopaulo.Location))); brazil.DateOf(creditOn) != want {
		t.Fatalf("credit on %s, want %s", creditOn, want)
	}
	var cancel struct{ UserErrors []userError }
	gql(t, s, tok, `mutation($id: ID!) { cancelBoleto(input: {boletoId: $id}) { userErrors { code } } }`, map[string]any{"id": big.Boleto.ID}).decode(t, "cancelBoleto", &cancel)
	if len(cancel.UserErrors) != 1 || cancel.UserErrors[0].Code != "INVALID_STATE" {
		t.Fatalf("cancelling a boleto paid elsewhere: %+v", cancel)
	}
}

func brazilZone() *time.Location { return saopaulo.Location }
