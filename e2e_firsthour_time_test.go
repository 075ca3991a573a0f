package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
)

// fridayEveningClock is a payments' clock pinned at 18:00 São Paulo time of the next Friday
// that is a business day (after the TED window has closed), running on from there.
func fridayEveningClock() (func() time.Time, brazil.Date) {
	d := brazil.DateOf(time.Now().In(saopaulo.Location))
	for d.Time().Weekday() != time.Friday || !brazil.IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	pinned := time.Date(d.Year, d.Month, d.Day, 18, 0, 0, 0, saopaulo.Location)
	start := time.Now()
	return func() time.Time { return pinned.Add(time.Since(start)) }, d
}

// TestTimeReadsAsPeopleExpect: a TED asked after the window is DELAYED_TO_NEXT_BUSINESS_DAY and
// says the day and hour it really runs; a boleto paid after its due date warns PAST_DUE in the
// payload (and one paid in time does not); an approval deadline is in São Paulo time.
func TestTimeReadsAsPeopleExpect(t *testing.T) {
	t.Parallel()
	clock, friday := fridayEveningClock()
	s := startRestartable(t, clock).testServer
	tok := tenantToken(t, s)
	own := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[5].Raw)
	deposit(t, s, tok, own, "5000.00", "time-dep")
	monday := brazil.NextBusinessDay(friday)

	type payload struct {
		Payment *struct {
			ID, Status     string
			RunsOn, RunsAt *string
			Approval       *struct{ ExpiresAt string }
		}
		Warnings []struct {
			Code, Message string
		}
		UserErrors []userError
	}
	const fields = `payment { id status runsOn runsAt approval { expiresAt } } warnings { code message } userErrors { field code message }`

	t.Run("DelayedTEDShowsWhenItRuns", func(t *testing.T) {
		var p payload
		gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "1234", accountCode: "56789-0", name: "Fornecedor Ltda", document: "11.222.333/0001-81"}, amount: "25.00", idempotencyKey: "late-ted"}) { `+fields+` } }`,
			map[string]any{"a": own}).decode(t, "createTedTransfer", &p)
		if p.Payment == nil || p.Payment.Status != "DELAYED_TO_NEXT_BUSINESS_DAY" {
			t.Fatalf("a TED on Friday 18:00: %+v", p)
		}
		if got := *p.Payment.RunsOn; got != monday.String() {
			t.Errorf("runsOn %s, want the next business day %s", got, monday)
		}
		if want := monday.String() + "T06:30:00-03:00"; p.Payment.RunsAt == nil || *p.Payment.RunsAt != want {
			t.Errorf("runsAt %v, want %s", p.Payment.RunsAt, want)
		}
		if len(p.Warnings) != 0 {
			t.Errorf("a TED has no warnings: %+v", p.Warnings)
		}
	})

	payBoleto := func(t *testing.T, due brazil.Date, key string) payload {
		t.Helper()
		b, err := brazil.EncodeBoleto("341", due, 12345, "1234567890123456789012345")
		if err != nil {
			t.Fatal(err)
		}
		var p payload
		gql(t, s, tok, `mutation($a: ID!, $code: String!, $key: String!) { payBarcode(input: {accountId: $a, code: $code, idempotencyKey: $key}) { `+fields+` } }`,
			map[string]any{"a": own, "code": b.Line, "key": key}).decode(t, "payBarcode", &p)
		if p.Payment == nil {
			t.Fatalf("payBarcode due %s: %+v", due, p.UserErrors)
		}
		return p
	}
	t.Run("PastDueBoletoWarns", func(t *testing.T) {
		due := friday.AddDays(-3)
		p := payBoleto(t, due, "past-due")
		if len(p.Warnings) != 1 || p.Warnings[0].Code != "PAST_DUE" || !strings.Contains(p.Warnings[0].Message, due.String()) {
			t.Fatalf("a boleto due %s paid on %s: warnings %+v", due, friday, p.Warnings)
		}
		again := payBoleto(t, due, "past-due") // a retry of the key answers the same warning
		if again.Payment.ID != p.Payment.ID || len(again.Warnings) != 1 || again.Warnings[0].Code != "PAST_DUE" {
			t.Errorf("retry: %+v", again)
		}
	})
	t.Run("BoletoInTimeDoesNotWarn", func(t *testing.T) {
		if p := payBoleto(t, friday.AddDays(10), "in-time"); len(p.Warnings) != 0 {
			t.Errorf("a boleto due in 10 days: warnings %+v", p.Warnings)
		}
		if p := payBoleto(t, friday, "due-today"); len(p.Warnings) != 0 {
			t.Errorf("a boleto paid on its due date: warnings %+v", p.Warnings)
		}
	})
	t.Run("ApprovalDeadlineInSaoPauloTime", func(t *testing.T) {
		holderAcc := demoAccountID(t, s)
		grantConsent(t, s, tok, "http://localhost:3000/consent/callback", holderAcc, "payments:initiate", "payments:read")
		var p payload
		gql(t, s, tok, `mutation($a: ID!) { createTedTransfer(input: {accountId: $a, target: {bankCode: "341", branchCode: "1234", accountCode: "56789-0", name: "Fornecedor Ltda", document: "11.222.333/0001-81"}, amount: "25.00", idempotencyKey: "consented-ted"}) { `+fields+` } }`,
			map[string]any{"a": holderAcc}).decode(t, "createTedTransfer", &p)
		if p.Payment == nil || p.Payment.Approval == nil {
			t.Fatalf("a TED on the holder's account: %+v", p)
		}
		if !strings.HasSuffix(p.Payment.Approval.ExpiresAt, "-03:00") {
			t.Errorf("approval.expiresAt %s is not in São Paulo time", p.Payment.Approval.ExpiresAt)
		}
	})
}
