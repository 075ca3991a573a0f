package boletos_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
	"github.com/ponte-bff/ponte/paging"
)

// TestEachKindIsIssuedWithARealCode: a COBRANCA, a PROPOSTA and a DEPOSITO are issued CREATED,
// with an event each, and their barcode and typed line decode back (brazil.DecodeBarcode, as
// decodeBarcode does) to bank 197, the amount and the due date. The registry's answer makes
// them REGISTERED.
func TestEachKindIsIssuedWithARealCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	due := brazil.NewDate(2026, 12, 10)
	ins := []boletos.IssueInput{
		cobranca(e, "c", 1234_56, due),
		{AccountID: e.issuer, Kind: boletos.KindProposta, Amount: 500_00, DueDate: due,
			Customer: boletos.CustomerInput{Name: "Cliente", Document: "23858488135"}, IdempotencyKey: "p"},
		{AccountID: e.issuer, Kind: boletos.KindDeposito, Amount: 20_00, DueDate: due,
			Customer: boletos.CustomerInput{Name: "Beneficiária Ltda", Document: "11.222.333/0001-81"}, IdempotencyKey: "d"},
	}
	for _, in := range ins {
		b := e.issue(t, in)
		if b.Status != "CREATED" || len(b.OurNumber) != 17 {
			t.Fatalf("%s: %+v", in.Kind, b)
		}
		for _, code := range []string{b.Barcode, b.TypedLine} {
			dec, err := brazil.DecodeBarcode(code, at(2026, 11, 23, 10, 0))
			if err != nil || dec.BankCode != "197" || dec.AmountCents != int64(in.Amount) || dec.DueDate == nil || *dec.DueDate != due {
				t.Fatalf("%s %s decodes to %+v, %v", in.Kind, code, dec, err)
			}
			if our, ok := boletos.OurNumberOf(dec.Boleto); !ok || our != b.OurNumber {
				t.Fatalf("%s: the free field carries %q, not the our number %s", code, our, b.OurNumber)
			}
		}
		if in.Kind == boletos.KindDeposito && (b.Customer.Document != "11222333000181" || b.Customer.Name != "Beneficiária Ltda") {
			t.Errorf("a DEPOSITO's customer is the beneficiary: %+v", b.Customer)
		}
		// The same key returns the same boleto; another request under it is refused.
		again := e.issue(t, in)
		if again.ID != b.ID {
			t.Errorf("%s: the same idempotency key issued a second boleto", in.Kind)
		}
		in.Amount++
		if _, err := e.svc.Issue(context.Background(), issuer, in); apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
			t.Errorf("%s: a reused key with another amount: %v", in.Kind, err)
		}
	}
	if n := e.count(t, "events WHERE topic = 'boleto'"); n != 3 {
		t.Errorf("%d boleto events, want 3 (one created each)", n)
	}
	for _, id := range e.q.take(&e.q.register) {
		if err := e.svc.Answer(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if b := e.get(t, id); b.Status != "REGISTERED" || b.RegisteredAt == nil {
			t.Errorf("after the registry's answer: %s", b.Status)
		}
	}
}

// TestEachRuleIsRefusedOnItsFieldAndNothingIsWritten: every one of Stone's rules, broken alone,
// is a userError on its field, and neither a boleto nor an event is written.
func TestEachRuleIsRefusedOnItsFieldAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	due := brazil.NewDate(2026, 12, 10)
	d := func(y int, m time.Month, day int) *brazil.Date { v := brazil.NewDate(y, m, day); return &v }
	proposta := func() boletos.IssueInput {
		return boletos.IssueInput{AccountID: e.issuer, Kind: boletos.KindProposta, Amount: 500_00, DueDate: due,
			Customer: boletos.CustomerInput{Name: "Cliente", Document: "23858488135"}, IdempotencyKey: "k"}
	}
	cases := []struct {
		name  string
		in    func() boletos.IssueInput
		field string
	}{
		{"amount below the minimum", func() boletos.IssueInput { in := cobranca(e, "k", 19_99, due); return in }, "amount"},
		{"amount above the maximum", func() boletos.IssueInput { in := cobranca(e, "k", 10_000_01, due); return in }, "amount"},
		{"limit date more than 365 days away", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			in.LimitDate = d(2027, 11, 24)
			return in
		}, "limitDate"},
		{"due date in the past", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, brazil.NewDate(2026, 11, 22))
			in.Discounts = nil
			return in
		}, "dueDate"},
		{"COBRANCA limit date not after the due date", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			in.LimitDate = &due
			return in
		}, "limitDate"},
		{"fine above 2 %", func() boletos.IssueInput { in := cobranca(e, "k", 100_00, due); in.Fine.RateBP = 201; return in }, "fine.rate"},
		{"interest above 1 % a month", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			in.Interest.MonthlyRateBP = 101
			return in
		}, "interest.monthlyRate"},
		{"discount above 90 %", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			in.Discounts[0].RateBP = 9001
			return in
		}, "discounts.0.rate"},
		{"discount after the due date", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			in.Discounts[0].Until = due.AddDays(1)
			return in
		}, "discounts.0.date"},
		{"four discounts", func() boletos.IssueInput {
			in := cobranca(e, "k", 100_00, due)
			for i := 1; i <= 3; i++ {
				in.Discounts = append(in.Discounts, boletos.DiscountInput{RateBP: 100, Until: due.AddDays(-i)})
			}
			return in
		}, "discounts"},
		{"PROPOSTA limit date after the due date", func() boletos.IssueInput { in := proposta(); in.LimitDate = d(2026, 12, 11); return in }, "limitDate"},
		{"PROPOSTA with a fine", func() boletos.IssueInput { in := proposta(); in.Fine = &boletos.FineInput{RateBP: 100}; return in }, "fine"},
		{"PROPOSTA with interest", func() boletos.IssueInput {
			in := proposta()
			in.Interest = &boletos.InterestInput{MonthlyRateBP: 50}
			return in
		}, "interest"},
		{"DEPOSITO for someone else", func() boletos.IssueInput { in := proposta(); in.Kind = boletos.KindDeposito; return in }, "customer.document"},
		{"DEPOSITO with a fine", func() boletos.IssueInput {
			in := proposta()
			in.Kind, in.Customer.Document, in.Fine = boletos.KindDeposito, "11222333000181", &boletos.FineInput{RateBP: 100}
			return in
		}, "fine"},
		{"customer with an invalid document", func() boletos.IssueInput { in := proposta(); in.Customer.Document = "12345678900"; return in }, "customer.document"},
		{"customer without a name", func() boletos.IssueInput { in := proposta(); in.Customer.Name = " "; return in }, "customer.name"},
	}
	for _, c := range cases {
		_, err := e.svc.Issue(context.Background(), issuer, c.in())
		var fields []string
		var list apperr.List
		if errors.As(err, &list) {
			for _, fe := range list {
				fields = append(fields, strings.Join(fe.Field, "."))
			}
		} else if fe, ok := apperr.As(err); ok {
			fields = append(fields, strings.Join(fe.Field, "."))
		}
		if !slices.Contains(fields, c.field) || len(fields) != 1 {
			t.Errorf("%s: errors on %v (%v), want only %s", c.name, fields, err, c.field)
		}
	}
	if n, ev := e.count(t, "boletos"), e.count(t, "events WHERE topic = 'boleto'"); n != 0 || ev != 0 {
		t.Errorf("refused boletos wrote %d rows and %d events", n, ev)
	}
	// The range is the account's own once set.
	if _, err := e.svc.SetLimits(context.Background(), e.issuer, boletos.Limits{Minimum: 5_00, Maximum: 50_00}, "op"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Issue(context.Background(), issuer, cobranca(e, "small", 10_00, due)); err != nil {
		t.Errorf("R$ 10.00 within the account's own range: %v", err)
	}
	if _, err := e.svc.Issue(context.Background(), issuer, cobranca(e, "big", 50_01, due)); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("R$ 50.01 above the account's own maximum: %v", err)
	}
}

// TestAmountDue checks FEBRABAN's arithmetic to the centavo: the discount until its date, the
// face value on a due date that falls on a weekend paid the next business day, and an overdue
// COBRANCA paid 10 days late: face + 2 % fine + 10 days of 1 % a month, each rounded once, half up.
func TestAmountDue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	due := brazil.NewDate(2026, 12, 5) // a Saturday
	b := e.issue(t, cobranca(e, "due", 1234_56, due))
	for _, c := range []struct {
		on   brazil.Date
		want money.Cents
	}{
		{due.AddDays(-3), 1234_56 - 61_73},        // 5 % of 1234.56 = 61.728 → 61.73
		{due, 1234_56 - 61_73},                    // on the due date
		{due.AddDays(2), 1234_56},                 // Monday: not late, but past the discount's date
		{due.AddDays(3), 1234_56 + 24_69 + 1_23},  // 3 days: fine 24.6912 → 24.69, interest 1.23456 → 1.23
		{due.AddDays(10), 1234_56 + 24_69 + 4_12}, // 10 days: interest 123456 × 100 × 10 / 300000 = 4.1152 → 4.12
	} {
		if got := boletos.AmountDue(b, c.on).Due; got != c.want {
			t.Errorf("amount due on %s = %s, want %s (%+v)", c.on, got, c.want, boletos.AmountDue(b, c.on))
		}
	}
}

// TestOverdueCobrancaPaidTenDaysLate: a COBRANCA paid with payBarcode 10 days after its due date
// charges the payer face + fine + 10 days of interest, credits the beneficiary the same in the
// same ledger transaction (boleto_settlement, counterparty the payer), and settles the boleto.
func TestOverdueCobrancaPaidTenDaysLate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	due := brazil.NewDate(2026, 12, 1)
	b := e.issue(t, cobranca(e, "late", 1000_00, due))
	e.set(at(2026, 12, 11, 10, 0))              // 10 days late
	want := money.Cents(1000_00 + 20_00 + 3_33) // fine 2 % = 20.00; interest 100000 × 100 × 10 / 300000 = 3.333 → 3.33
	payerBefore, issuerBefore := e.balance(t, e.payer), e.balance(t, e.issuer)
	p, err := e.payBarcode(e.payer, b.TypedLine, "pay-late")
	if err != nil {
		t.Fatal(err)
	}
	if money.Cents(p.AmountCents) != want {
		t.Fatalf("payment of %s, want %s", money.Cents(p.AmountCents), want)
	}
	e.runPayments(t)
	got := e.get(t, b.ID)
	if got.Status != "SETTLED" || got.PaidCents == nil || money.Cents(*got.PaidCents) != want || got.Payer == nil || got.Payer.Name != "Pagador Um" {
		t.Fatalf("boleto after payment: %s %v %+v", got.Status, got.PaidCents, got.Payer)
	}
	if d := payerBefore - e.balance(t, e.payer); d != want {
		t.Errorf("payer debited %s, want %s", d, want)
	}
	if d := e.balance(t, e.issuer) - issuerBefore; d != want {
		t.Errorf("beneficiary credited %s, want %s", d, want)
	}
	var rows []struct {
		TransactionID string
		Kind          string
	}
	e.db.Raw(`SELECT e.transaction_id, e.kind FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.ledger_account_id
		WHERE a.account_id IN (?, ?) AND e.kind IN ('payment', 'boleto_settlement')`, e.payer, e.issuer).Scan(&rows)
	if len(rows) != 2 || rows[0].TransactionID != rows[1].TransactionID || got.LedgerTransactionID == nil || rows[0].TransactionID != got.LedgerTransactionID.String() {
		t.Errorf("not one ledger transaction: %+v (boleto's %v)", rows, got.LedgerTransactionID)
	}
	report, err := e.led.Verify(context.Background())
	if err != nil || !report.OK() {
		t.Errorf("ledger check: %v %s", err, report.String())
	}
}

// TestPayingATakenBoletoIsRefusedBeforeAnythingMoves: a SETTLED or CANCELLED boleto of Ponte's
// is refused by payBarcode with a userError on the code, and no payment is written.
func TestPayingATakenBoletoIsRefusedBeforeAnythingMoves(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	due := brazil.NewDate(2026, 12, 10)
	paid := e.issue(t, cobranca(e, "paid", 100_00, due))
	if _, err := e.payBarcode(e.payer, paid.Barcode, "first"); err != nil {
		t.Fatal(err)
	}
	e.runPayments(t)
	cancelled := e.issue(t, cobranca(e, "cancelled", 100_00, due))
	if _, err := e.svc.Cancel(context.Background(), cancelled.ID, "tenant:test"); err != nil {
		t.Fatal(err)
	}
	for _, id := range e.q.take(&e.q.register) {
		if err := e.svc.Answer(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if b := e.get(t, cancelled.ID); b.Status != "CANCELLED" || b.CancelledAt == nil {
		t.Fatalf("cancelled: %s", b.Status)
	}
	before := e.count(t, "payments")
	for _, code := range []string{paid.Barcode, cancelled.TypedLine} {
		_, err := e.payBarcode(e.other, code, "again-"+code[:10])
		if fe, ok := apperr.As(err); !ok || fe.Code != apperr.InvalidState || strings.Join(fe.Field, ".") != "code" {
			t.Errorf("paying %s again: %v", code, err)
		}
	}
	if _, err := e.svc.Cancel(context.Background(), paid.ID, "tenant:test"); apperr.CodeOf(err) != apperr.InvalidState {
		t.Errorf("cancelling a SETTLED boleto: %v", err)
	}
	if after := e.count(t, "payments"); after != before {
		t.Errorf("a refused payment wrote %d payments", after-before)
	}
}

// TestCancelIsRefusedWhileAPaymentIsInFlight: a payment created and not yet run holds the boleto.
func TestCancelIsRefusedWhileAPaymentIsInFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	b := e.issue(t, cobranca(e, "flight", 100_00, brazil.NewDate(2026, 12, 10)))
	if _, err := e.payBarcode(e.payer, b.Barcode, "in-flight"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Cancel(context.Background(), b.ID, "tenant:test"); apperr.CodeOf(err) != apperr.InvalidState {
		t.Errorf("cancel with a payment in flight: %v", err)
	}
	e.runPayments(t)
	if got := e.get(t, b.ID); got.Status != "SETTLED" {
		t.Errorf("the payment in flight did not settle it: %s", got.Status)
	}
}

// TestTwentyConcurrentPaymentsSettleOnce: 20 payments of one boleto from two accounts, created and
// run at once: exactly one settles it, every other fails (boleto_not_payable) or is refused,
// nothing else moves, and the ledger check holds.
func TestTwentyConcurrentPaymentsSettleOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	b := e.issue(t, cobranca(e, "race", 300_00, brazil.NewDate(2026, 12, 10)))
	amount := boletos.AmountDue(b, brazil.NewDate(2026, 11, 23)).Due
	before := e.balance(t, e.payer) + e.balance(t, e.other)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acc := e.payer
			if i%2 == 1 {
				acc = e.other
			}
			if _, err := e.payBarcode(acc, b.Barcode, fmt.Sprintf("race-%d", i)); err != nil && apperr.CodeOf(err) != apperr.InvalidState {
				t.Errorf("payment %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	ids := e.q.take(&e.q.execute)
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- e.pay.Execute(context.Background(), id)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var statuses []struct {
		Status        string
		FailureReason *string
	}
	e.db.Raw("SELECT status, failure_reason FROM payments").Scan(&statuses)
	finished := 0
	for _, s := range statuses {
		switch {
		case s.Status == "FINISHED":
			finished++
		case s.Status != "FAILED" || s.FailureReason == nil || *s.FailureReason != payments.ReasonBoletoNotPayable:
			t.Errorf("payment %s %v", s.Status, s.FailureReason)
		}
	}
	if finished != 1 {
		t.Fatalf("%d payments settled the boleto, want exactly 1", finished)
	}
	if got := e.get(t, b.ID); got.Status != "SETTLED" {
		t.Errorf("boleto %s", got.Status)
	}
	if moved := before - (e.balance(t, e.payer) + e.balance(t, e.other)); moved != amount {
		t.Errorf("the payers lost %s, want %s", moved, amount)
	}
	if n := e.count(t, "ledger_entries WHERE kind = 'boleto_settlement'"); n != 1 {
		t.Errorf("%d settlement credits", n)
	}
	report, err := e.led.Verify(context.Background())
	if err != nil || !report.OK() {
		t.Errorf("ledger check: %v %s", err, report.String())
	}
}

// TestPaidElsewhereIsCreditedOnTheNextBusinessDay: paid at another bank on Thursday 2026-11-19,
// the eve of a holiday (Consciência Negra, 20/11, in the shared vectors) and a weekend, the credit
// lands on Monday 2026-11-23 and not before.
func TestPaidElsewhereIsCreditedOnTheNextBusinessDay(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../brazil/testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Holidays struct {
			ByYear map[string][]struct{ Date string } `json:"by_year"`
		}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(v.Holidays.ByYear["2026"], func(h struct{ Date string }) bool { return h.Date == "2026-11-20" }) {
		t.Fatal("the vectors do not list 2026-11-20 as a holiday")
	}
	e := newEnv(t, at(2026, 11, 19, 15, 0))
	b := e.issue(t, cobranca(e, "outside", 250_00, brazil.NewDate(2026, 11, 30)))
	due := boletos.AmountDue(b, brazil.NewDate(2026, 11, 19)).Due
	if _, err := e.svc.SandboxPay(context.Background(), boletos.OutsidePayment{Code: b.TypedLine, Amount: due + 1, PayerName: "Fulano", PayerDocument: "24843803480"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("a wrong amount: %v", err)
	}
	paid, err := e.svc.SandboxPay(context.Background(), boletos.OutsidePayment{Code: b.TypedLine, Amount: due, PayerName: "Fulano de Tal", PayerDocument: "24843803480"})
	if err != nil {
		t.Fatal(err)
	}
	if got := brazil.DateOf(*paid.CreditOn); got != brazil.NewDate(2026, 11, 23) {
		t.Fatalf("credit day %s, want Monday 2026-11-23", got)
	}
	credits := e.q.take(&e.q.credits)
	before := e.balance(t, e.issuer)
	for _, now := range []time.Time{at(2026, 11, 19, 23, 0), at(2026, 11, 20, 12, 0), at(2026, 11, 22, 23, 59)} {
		e.set(now)
		if err := e.svc.Credit(context.Background(), credits[0]); !errors.Is(err, boletos.ErrNotDue) {
			t.Fatalf("credit at %s: %v", now, err)
		}
	}
	if e.balance(t, e.issuer) != before || e.get(t, b.ID).Status != "CREATED" {
		t.Fatal("credited before the next business day")
	}
	e.set(at(2026, 11, 23, 0, 1))
	for range 2 { // the job may run twice: it credits once
		if err := e.svc.Credit(context.Background(), credits[0]); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.balance(t, e.issuer) - before; got != due {
		t.Errorf("credited %s, want %s", got, due)
	}
	if got := e.get(t, b.ID); got.Status != "SETTLED" || got.Payer.Name != "Fulano de Tal" {
		t.Errorf("boleto %s payer %+v", got.Status, got.Payer)
	}
	report, err := e.led.Verify(context.Background())
	if err != nil || !report.OK() {
		t.Errorf("ledger check: %v %s", err, report.String())
	}
}

// TestUnpaidBoletosAreWrittenOffSevenDaysAfterTheLimitDate.
func TestUnpaidBoletosAreWrittenOffSevenDaysAfterTheLimitDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	b := e.issue(t, cobranca(e, "old", 100_00, brazil.NewDate(2026, 11, 30))) // limit date 2026-12-30
	e.set(at(2027, 1, 5, 10, 0))
	if n, err := e.svc.ExpireDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("6 days after the limit date: %d, %v", n, err)
	}
	e.set(at(2027, 1, 6, 10, 0))
	if n, err := e.svc.ExpireDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("7 days after the limit date: %d, %v", n, err)
	}
	if got := e.get(t, b.ID); got.Status != "EXPIRED" || got.ExpiredAt == nil {
		t.Errorf("boleto %s", got.Status)
	}
}

// TestFindGivesTheSlipItsPartiesAndInstructions: what the PDF prints (banking/boletopdf's Slip)
// comes from Find: the beneficiary's holder and payment account, the customer with its address,
// and the instructions in Portuguese.
func TestFindGivesTheSlipItsPartiesAndInstructions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	in := cobranca(e, "slip", 1000_00, brazil.NewDate(2026, 12, 10))
	in.Customer.Address = &models.BoletoAddress{Street: "Rua das Flores", Number: "10", City: "São Paulo", State: "SP", PostalCode: "01000000"}
	b := e.issue(t, in)
	p, err := e.svc.Find(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	ben := p.Boleto.Beneficiary
	if ben.Name != "Beneficiária Ltda" || ben.Document != "11222333000181" || ben.BankCode != "197" || ben.BranchCode == "" || ben.AccountCode == "" {
		t.Errorf("beneficiary %+v", ben)
	}
	if c := p.Boleto.Customer; c.Address == nil || c.Address.City != "São Paulo" || c.Document != "24843803480" {
		t.Errorf("customer %+v", c)
	}
	want := []string{
		"Até 10/12/2026 conceder desconto de 5,00% (R$ 50,00)",
		"A partir de 11/12/2026 cobrar multa de 2,00% (R$ 20,00)",
		"A partir de 11/12/2026 cobrar juros de 1,00% ao mês, R$ 0,33 por dia de atraso",
		"Não receber após 09/01/2027",
	}
	if !slices.Equal(p.Instructions, want) {
		t.Errorf("instructions\n%q\nwant\n%q", p.Instructions, want)
	}
	if _, err := e.svc.Find(context.Background(), e.issuer); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("a missing boleto: %v", err)
	}
}

// TestListFiltersAndPages: an account's boletos, newest first, by status, kind and due dates,
// a page at a time.
func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, at(2026, 11, 23, 10, 0))
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		e.set(at(2026, 11, 23, 10, i))
		b := e.issue(t, cobranca(e, fmt.Sprint("list-", i), 100_00, brazil.NewDate(2026, 12, 1+i)))
		ids = append(ids, b.ID.String())
	}
	proposta := e.issue(t, boletos.IssueInput{AccountID: e.issuer, Kind: boletos.KindProposta, Amount: 50_00, DueDate: brazil.NewDate(2026, 12, 20),
		Customer: boletos.CustomerInput{Name: "Cliente", Document: "23858488135"}, IdempotencyKey: "list-p"})
	if _, err := e.svc.Cancel(ctx, proposta.ID, "tenant:test"); err != nil {
		t.Fatal(err)
	}
	list := func(f boletos.Filter, first int, after *paging.Cursor) *boletos.Page {
		p, err := e.svc.List(ctx, e.issuer, f, paging.Page{First: first, After: after})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	idsOf := func(p *boletos.Page) []string {
		var out []string
		for _, b := range p.Boletos {
			out = append(out, b.ID.String())
		}
		return out
	}
	cob := boletos.KindCobranca
	first := list(boletos.Filter{Kind: &cob}, 3, nil)
	if !first.HasNext || !slices.Equal(idsOf(first), []string{ids[4], ids[3], ids[2]}) {
		t.Fatalf("first page %v", idsOf(first))
	}
	c := boletos.CursorOf(first.Boletos[2])
	rest := list(boletos.Filter{Kind: &cob}, 3, &c)
	if rest.HasNext || !slices.Equal(idsOf(rest), []string{ids[1], ids[0]}) {
		t.Fatalf("second page %v", idsOf(rest))
	}
	from, to := brazil.NewDate(2026, 12, 2), brazil.NewDate(2026, 12, 3)
	if got := idsOf(list(boletos.Filter{DueFrom: &from, DueTo: &to}, 10, nil)); !slices.Equal(got, []string{ids[2], ids[1]}) {
		t.Errorf("due from %s to %s: %v", from, to, got)
	}
	if got := idsOf(list(boletos.Filter{Statuses: []boletos.Status{boletos.StatusCancellationRequested}}, 10, nil)); !slices.Equal(got, []string{proposta.ID.String()}) {
		t.Errorf("CANCELLATION_REQUESTED: %v", got)
	}
	if got := list(boletos.Filter{}, 10, nil); len(got.Boletos) != 6 {
		t.Errorf("all: %d", len(got.Boletos))
	}
}
