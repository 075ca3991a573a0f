package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/money"
)

// employee is a payee of a payroll: an APPROVED Ponte account held by a person.
type employee struct {
	Name, CPF, Code string
	Amount          money.Cents
}

// cpfOf is a valid CPF built from a nine-digit base (its two check digits computed).
func cpfOf(base int) string {
	d := fmt.Sprintf("%09d", base)
	for _, n := range []int{9, 10} {
		sum := 0
		for i := range n {
			sum += int(d[i]-'0') * (n + 1 - i)
		}
		dv := sum * 10 % 11
		if dv == 10 {
			dv = 0
		}
		d += strconv.Itoa(dv)
	}
	return d
}

// wrongCPF is cpf with its last check digit wrong.
func wrongCPF(cpf string) string {
	last := (int(cpf[10]-'0') + 1) % 10
	return cpf[:10] + strconv.Itoa(last)
}

// seedEmployees inserts n APPROVED CPF accounts with payment accounts straight into the database
// (two statements: a payroll test needs a thousand payees, not a thousand GraphQL calls), with
// salaries between R$ 1,00 and R$ 10,99 that differ from line to line. seed keeps the documents
// and codes of one test apart from another's.
func seedEmployees(t testing.TB, db *gorm.DB, seed, n int) []employee {
	t.Helper()
	out := make([]employee, n)
	docs, codes, names := make([]string, n), make([]string, n), make([]string, n)
	for i := range out {
		e := employee{Name: fmt.Sprintf("Funcionário %d-%d", seed, i), CPF: cpfOf(700_000_000 + seed*10_000 + i),
			Code: accounts.AccountCode(int64(20_000_000 + seed*10_000 + i)), Amount: money.Cents(100 + (i*37)%1000)}
		out[i], docs[i], codes[i], names[i] = e, e.CPF, e.Code, e.Name
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO accounts (name, email, document, document_type, status, requested_account_type, limit_plan_id)
			SELECT name, 'funcionario@example.com', doc, 'CPF', 'APPROVED', 'PG', (SELECT id FROM limit_plans WHERE name = 'standard')
			FROM unnest(?::text[], ?::text[]) AS e(name, doc)`, pgArray(names), pgArray(docs)).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO bank_accounts (account_id, branch_code, account_code, account_type, institution_name, institution_ispb, institution_code)
			SELECT a.id, '0001', e.code, 'PG', 'STONE IP S.A.', '16501555', '197'
			FROM unnest(?::text[], ?::text[]) AS e(doc, code) JOIN accounts a ON a.document = e.doc`, pgArray(docs), pgArray(codes)).Error
	})
	if err != nil {
		t.Fatalf("seed employees: %v", err)
	}
	return out
}

// pgArray spells strings as a PostgreSQL text[] literal.
func pgArray(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// payrollWorkbook builds an .xlsx with Stone's columns, one row per employee (the header is row
// 1, so employee i is row i+2), salaries as number cells.
func payrollWorkbook(t testing.TB, es []employee) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows := [][]any{{"Nome", "CPF", "Conta", "Salário"}}
	for _, e := range es {
		rows = append(rows, []any{e.Name, e.CPF, e.Code, float64(e.Amount) / 100})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const createPayrollMutation = `mutation($input: CreatePayrollInput!) { createPayroll(input: $input) {
	payroll { id status lineCount amount { amount } fee { amount } scheduledFor }
	userErrors { field code message } } }`

type payrollOut struct {
	ID           string
	Status       string
	LineCount    int
	Amount       struct{ Amount string }
	ScheduledFor *string
	Summary      struct{ Finished, Failed, Refunded, Scheduled int }
}

type payrollPayload struct {
	Payroll    *payrollOut
	UserErrors []struct {
		Field   []string
		Code    string
		Message string
	}
}

// uploadPayroll posts createPayroll as a GraphQL multipart request (graphql-multipart-request-spec):
// the operation with variables.input.file null, the map, and the file part.
func uploadPayroll(t testing.TB, s *testServer, token string, input map[string]any, filename string, file []byte) (gqlResponse, payrollPayload) {
	t.Helper()
	input["file"] = nil
	ops, _ := json.Marshal(map[string]any{"query": createPayrollMutation, "variables": map[string]any{"input": input}})
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.input.file"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, filename))
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(file)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := gqlResponse{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("upload: HTTP %d: %v", resp.StatusCode, err)
	}
	var p payrollPayload
	if len(r.Errors) == 0 {
		r.decode(t, "createPayroll", &p)
	}
	return r, p
}

// payrollAccount is an approved Treasury account of the tenant funded with funds.
func payrollAccount(t *testing.T, s *testServer, token, doc, funds string) string {
	t.Helper()
	id := approvedAccount(t, s, token, doc)
	if p := deposit(t, s, token, id, funds, "payroll-funds-"+doc); p.Entry == nil {
		t.Fatalf("deposit: %+v", p.UserErrors)
	}
	return id
}

// waitPayroll polls the payroll until it has run (FINISHED or PARTIALLY_FAILED).
func waitPayroll(t testing.TB, s *testServer, token, id string, within time.Duration) payrollOut {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var p payrollOut
		gql(t, s, token, `query($id: ID!) { payroll(id: $id) { id status lineCount amount { amount } summary { finished failed refunded scheduled } } }`,
			map[string]any{"id": id}).decode(t, "payroll", &p)
		if p.Status == "FINISHED" || p.Status == "PARTIALLY_FAILED" {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("payroll %s still %s after %v: %+v", id, p.Status, within, p.Summary)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sumOf(es []employee) money.Cents {
	var total money.Cents
	for _, e := range es {
		total += e.Amount
	}
	return total
}

// checkLedger runs the ledger's own check over the whole database.
func checkLedger(t testing.TB, db *gorm.DB) {
	t.Helper()
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
}

// checkPaidOnce proves every salary of the payroll was paid exactly once: one FINISHED PAYROLL
// payment per line with one ledger transaction, and each employee's account credited with exactly
// its salary.
func checkPaidOnce(t testing.TB, db *gorm.DB, payrollID string, es []employee) {
	t.Helper()
	var rows []struct {
		Code   string
		Status string
		Amount int64
		Txns   int64
		Credit int64
	}
	err := db.Raw(`SELECT p.target->>'accountCode' AS code, p.status, p.amount_cents AS amount,
		(SELECT count(*) FROM ledger_transactions lt WHERE lt.operation_id = p.id) AS txns,
		(SELECT coalesce(sum(e.amount_cents), 0) FROM ledger_entries e JOIN ledger_accounts la ON la.id = e.ledger_account_id
		   WHERE la.account_id = (p.target->>'accountId')::uuid) AS credit
		FROM payroll_salaries ps JOIN payments p ON p.id = ps.payment_id
		JOIN payrolls pr ON pr.id = ps.payroll_id
		WHERE p.kind = 'PAYROLL' ORDER BY ps.line`).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(es) {
		t.Fatalf("%d salaries, want %d", len(rows), len(es))
	}
	for i, r := range rows {
		e := es[i]
		if r.Code != e.Code || r.Status != "FINISHED" || r.Amount != int64(e.Amount) || r.Txns != 1 || r.Credit != int64(e.Amount) {
			t.Fatalf("line %d (%s): %+v; want FINISHED %d, one transaction, credited once", i+2, e.Code, r, e.Amount)
		}
	}
}

// TestPayrollFromXLSXUpload: an .xlsx of 1,000 salaries, built with the xlsx library and
// uploaded as a GraphQL multipart request, runs as one payroll: all FINISHED, the summary right,
// every employee paid exactly once, the payer debited the total, and the ledger's check holds.
func TestPayrollFromXLSXUpload(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	payer := payrollAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[3].Raw, "20000.00")
	es := seedEmployees(t, s.db, 1, 1000)
	file := payrollWorkbook(t, es)

	began := time.Now()
	r, p := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "folha-2026-11", "description": "Folha 11/2026"}, "folha.xlsx", file)
	if len(r.Errors) > 0 || p.Payroll == nil || len(p.UserErrors) > 0 {
		t.Fatalf("createPayroll: HTTP %d %+v %+v", r.Status, r.Errors, p.UserErrors)
	}
	t.Logf("created in %v", time.Since(began).Round(time.Millisecond))
	total := sumOf(es)
	if p.Payroll.LineCount != 1000 || p.Payroll.Amount.Amount != total.String() || p.Payroll.Status != "CREATED" {
		t.Fatalf("payroll %+v, want 1000 lines of %s CREATED", p.Payroll, total)
	}
	done := waitPayroll(t, s, tok, p.Payroll.ID, 60*time.Second)
	t.Logf("1,000 salaries uploaded and paid in %v", time.Since(began).Round(time.Millisecond))
	if done.Status != "FINISHED" || done.Summary.Finished != 1000 || done.Summary.Failed+done.Summary.Refunded+done.Summary.Scheduled != 0 {
		t.Fatalf("payroll ran as %+v", done)
	}
	checkPaidOnce(t, s.db, p.Payroll.ID, es)
	var bal struct {
		Balance struct{ Available struct{ Amount string } }
	}
	gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": payer}).decode(t, "account", &bal)
	if want := (money.Cents(2_000_000) - total).String(); bal.Balance.Available.Amount != want {
		t.Fatalf("payer's balance %s, want %s", bal.Balance.Available.Amount, want)
	}
	checkLedger(t, s.db)

	t.Run("SameKeyReturnsTheSamePayroll", func(t *testing.T) {
		_, again := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "folha-2026-11", "description": "Folha 11/2026"}, "folha.xlsx", file)
		if again.Payroll == nil || again.Payroll.ID != p.Payroll.ID {
			t.Fatalf("the same upload again: %+v", again)
		}
	})
	t.Run("SalariesPageInLineOrderWithReceipts", func(t *testing.T) {
		var pr struct {
			Salaries struct {
				Nodes []struct {
					Kind, Status string
					Amount       struct{ Amount string }
					Target       struct{ AccountCode string }
					Receipt      *struct{ AuthenticationCode string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		q := `query($id: ID!, $after: String) { payroll(id: $id) { salaries(first: 3, after: $after) {
			nodes { kind status amount { amount } target { accountCode } receipt { authenticationCode } } pageInfo { hasNextPage endCursor } } } }`
		gql(t, s, tok, q, map[string]any{"id": p.Payroll.ID}).decode(t, "payroll", &pr)
		first := pr.Salaries
		var next struct {
			Salaries struct {
				Nodes []struct {
					Kind, Status string
					Amount       struct{ Amount string }
					Target       struct{ AccountCode string }
					Receipt      *struct{ AuthenticationCode string }
				}
			}
		}
		gql(t, s, tok, q, map[string]any{"id": p.Payroll.ID, "after": first.PageInfo.EndCursor}).decode(t, "payroll", &next)
		nodes := append(first.Nodes, next.Salaries.Nodes...)
		for i, n := range nodes {
			if n.Kind != "PAYROLL" || n.Status != "FINISHED" || n.Target.AccountCode != es[i].Code || n.Amount.Amount != es[i].Amount.String() || n.Receipt == nil {
				t.Fatalf("salary %d: %+v, want %s %s with a receipt", i, n, es[i].Code, es[i].Amount)
			}
		}
		if !first.PageInfo.HasNextPage || len(nodes) != 6 {
			t.Fatalf("pages: %+v", first.PageInfo)
		}
	})
	t.Run("AccountPayrollsAndEvents", func(t *testing.T) {
		var acc struct {
			Payrolls struct{ Nodes []struct{ ID, Status string } }
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { payrolls(first: 5) { nodes { id status } } } }`, map[string]any{"id": payer}).decode(t, "account", &acc)
		if len(acc.Payrolls.Nodes) != 1 || acc.Payrolls.Nodes[0].ID != p.Payroll.ID {
			t.Fatalf("payrolls: %+v", acc.Payrolls)
		}
		var names []string
		if err := s.db.Raw(`SELECT name FROM events WHERE topic = 'payroll' ORDER BY id`).Scan(&names).Error; err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names, []string{"payroll_created", "payroll_processing", "payroll_finished"}) {
			t.Fatalf("payroll events %v", names)
		}
		// The subscription replays them from the start of the log.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		resp := postSSE(t, ctx, s, tok, `subscription($id: ID!) { payrollStatusChanged(accountId: $id, after: "`+logStart+`") { name status previousStatus payroll { id } } }`,
			map[string]any{"id": payer})
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var streamed []string
		for len(streamed) < 3 && sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data:")
			if !ok {
				continue
			}
			var ev struct {
				Data struct {
					PayrollStatusChanged struct {
						Name, Status string
						Payroll      struct{ ID string }
					}
				}
			}
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			e := ev.Data.PayrollStatusChanged
			if e.Payroll.ID != p.Payroll.ID {
				t.Fatalf("event of another payroll: %s", line)
			}
			streamed = append(streamed, e.Name+":"+e.Status)
		}
		if !slices.Equal(streamed, []string{"payroll_created:CREATED", "payroll_processing:PROCESSING", "payroll_finished:FINISHED"}) {
			t.Fatalf("streamed %v", streamed)
		}
	})
}

// TestPayrollWithBadLinesCreatesNothing: the same kind of file with three bad lines (a CPF with a
// wrong check digit, a CPF that is not the account's holder, an amount of -1) comes back with
// three userErrors naming their rows and columns, and nothing is created or moved.
func TestPayrollWithBadLinesCreatesNothing(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	payer := payrollAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[4].Raw, "20000.00")
	es := seedEmployees(t, s.db, 2, 1000)
	es[15].CPF = wrongCPF(es[15].CPF) // row 17
	es[99].CPF = es[100].CPF          // row 101: a valid CPF, another account's holder
	es[499].Amount = -100             // row 501: Salário -1
	counts := func() (n [4]int64) {
		for i, table := range []string{"payrolls", "payments", "ledger_transactions", "events"} {
			s.db.Table(table).Count(&n[i])
		}
		return n
	}
	before := counts()
	r, p := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "folha-ruim"}, "folha.xlsx", payrollWorkbook(t, es))
	if len(r.Errors) > 0 || p.Payroll != nil {
		t.Fatalf("createPayroll: %+v %+v", r.Errors, p.Payroll)
	}
	type ue struct{ field, code string }
	var got []ue
	for _, e := range p.UserErrors {
		got = append(got, ue{strings.Join(e.Field, "/"), e.Code})
	}
	want := []ue{{"input/file/line/17/CPF", "INVALID_DOCUMENT"}, {"input/file/line/501/Salário", "INVALID"}, {"input/file/line/101/CPF", "INVALID"}}
	slices.SortFunc(got, func(a, b ue) int { return strings.Compare(a.field, b.field) })
	slices.SortFunc(want, func(a, b ue) int { return strings.Compare(a.field, b.field) })
	if !slices.Equal(got, want) {
		t.Fatalf("userErrors %+v, want %+v", p.UserErrors, want)
	}
	if after := counts(); after != before {
		t.Fatalf("rows (payrolls, payments, ledger transactions, events) went from %v to %v", before, after)
	}

	t.Run("LinesNameTheirIndexAndField", func(t *testing.T) {
		lines := []map[string]any{
			{"name": es[0].Name, "document": es[0].CPF, "accountCode": es[0].Code, "amount": "10.00"},
			{"name": es[1].Name, "document": wrongCPF(es[1].CPF), "accountCode": es[1].Code, "amount": "10.00"},
			{"name": es[2].Name, "document": es[2].CPF, "accountCode": "123", "amount": "0.00"},
		}
		var p payrollPayload
		gql(t, s, tok, createPayrollMutation, map[string]any{"input": map[string]any{"accountId": payer, "lines": lines, "idempotencyKey": "linhas-ruins"}}).
			decode(t, "createPayroll", &p)
		var fields []string
		for _, e := range p.UserErrors {
			fields = append(fields, strings.Join(e.Field, "/"))
		}
		slices.Sort(fields)
		if p.Payroll != nil || !slices.Equal(fields, []string{"input/lines/1/document", "input/lines/2/accountCode", "input/lines/2/amount"}) {
			t.Fatalf("userErrors %+v", p.UserErrors)
		}
	})
	t.Run("UploadBeyondTheLimit", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 9<<20) // more than gqlserver.DefaultMaxUploadBytes
		r, _ := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "grande"}, "folha.csv", big)
		if r.Status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
			t.Fatalf("a 9 MiB upload: HTTP %d %+v", r.Status, r.Errors)
		}
	})
	t.Run("NotASpreadsheet", func(t *testing.T) {
		_, p := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "pdf"}, "folha.pdf", []byte("%PDF-1.7"))
		if p.Payroll != nil || len(p.UserErrors) != 1 || strings.Join(p.UserErrors[0].Field, "/") != "input/file" || p.UserErrors[0].Code != "INVALID" {
			t.Fatalf("a PDF: %+v", p)
		}
	})
	t.Run("NotBothLinesAndFile", func(t *testing.T) {
		var p payrollPayload
		gql(t, s, tok, createPayrollMutation, map[string]any{"input": map[string]any{"accountId": payer, "idempotencyKey": "nada"}}).decode(t, "createPayroll", &p)
		if p.Payroll != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "REQUIRED" {
			t.Fatalf("neither lines nor file: %+v", p)
		}
	})
	t.Run("TotalBeyondBalance", func(t *testing.T) {
		lines := []map[string]any{{"name": es[0].Name, "document": es[0].CPF, "accountCode": es[0].Code, "amount": "20000.01"}}
		var p payrollPayload
		gql(t, s, tok, createPayrollMutation, map[string]any{"input": map[string]any{"accountId": payer, "lines": lines, "idempotencyKey": "caro"}}).decode(t, "createPayroll", &p)
		if p.Payroll != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INSUFFICIENT_FUNDS" {
			t.Fatalf("beyond the balance: %+v", p)
		}
	})
	if after := counts(); after != before {
		t.Fatalf("rows went from %v to %v", before, after)
	}
}

// TestScheduledPayrollCancels: a payroll for a later day is SCHEDULED with its salaries, reserves
// the scheduled balance, and cancelPayroll cancels it and every salary, releasing it; a second
// cancel is INVALID_STATE.
func TestScheduledPayrollCancels(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	payer := payrollAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[5].Raw, "1000.00")
	es := seedEmployees(t, s.db, 3, 3)
	lines := make([]map[string]any, len(es))
	for i, e := range es {
		lines[i] = map[string]any{"name": e.Name, "document": e.CPF, "accountCode": e.Code, "amount": e.Amount.String()}
	}
	day := time.Now().In(time.FixedZone("BRT", -3*3600)).AddDate(0, 0, 7).Format(time.DateOnly)
	var p payrollPayload
	gql(t, s, tok, createPayrollMutation, map[string]any{"input": map[string]any{"accountId": payer, "lines": lines, "scheduledFor": day, "idempotencyKey": "agendada"}}).
		decode(t, "createPayroll", &p)
	if p.Payroll == nil || p.Payroll.Status != "SCHEDULED" || p.Payroll.LineCount != 3 {
		t.Fatalf("scheduled payroll: %+v", p)
	}
	scheduled := func() string {
		var a struct {
			Balance struct{ Scheduled struct{ Amount string } }
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { scheduled { amount } } } }`, map[string]any{"id": payer}).decode(t, "account", &a)
		return a.Balance.Scheduled.Amount
	}
	if got := scheduled(); got != sumOf(es).String() {
		t.Fatalf("scheduled balance %s, want %s", got, sumOf(es))
	}
	cancel := `mutation($id: ID!) { cancelPayroll(input: {payrollId: $id}) { payroll { id status } userErrors { field code } } }`
	var c payrollPayload
	gql(t, s, tok, cancel, map[string]any{"id": p.Payroll.ID}).decode(t, "cancelPayroll", &c)
	if c.Payroll == nil || c.Payroll.Status != "CANCELLED" {
		t.Fatalf("cancel: %+v", c)
	}
	var statuses []string
	s.db.Raw(`SELECT DISTINCT p.status FROM payments p WHERE p.kind = 'PAYROLL'`).Scan(&statuses)
	if !slices.Equal(statuses, []string{"CANCELLED"}) || scheduled() != "0.00" {
		t.Fatalf("salaries %v, scheduled balance %s", statuses, scheduled())
	}
	gql(t, s, tok, cancel, map[string]any{"id": p.Payroll.ID}).decode(t, "cancelPayroll", &c)
	if c.Payroll != nil || len(c.UserErrors) != 1 || c.UserErrors[0].Code != "INVALID_STATE" {
		t.Fatalf("second cancel: %+v", c)
	}
}

// TestPayrollSurvivesSIGKILL: the server is killed (SIGKILL) while its one job is half-way through
// a 1,000-line payroll; after a restart on the same database the job resumes and every salary is
// paid exactly once, and the ledger's check holds.
func TestPayrollSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary twice")
	}
	t.Parallel()
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
	payer := payrollAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw, "20000.00")
	es := seedEmployees(t, db, 4, 1000)
	r, p := uploadPayroll(t, s, tok, map[string]any{"accountId": payer, "idempotencyKey": "folha-kill"}, "folha.xlsx", payrollWorkbook(t, es))
	if len(r.Errors) > 0 || p.Payroll == nil {
		t.Fatalf("createPayroll: %+v %+v", r.Errors, p.UserErrors)
	}

	// Kill as soon as the first batch has committed: the rest cannot have run yet.
	finished := func() (n int64) {
		db.Raw(`SELECT count(*) FROM payments WHERE kind = 'PAYROLL' AND status = 'FINISHED'`).Scan(&n)
		return n
	}
	deadline := time.Now().Add(2 * time.Minute)
	for finished() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no salary ran within 2 minutes\n%s", first.logTail())
		}
		time.Sleep(5 * time.Millisecond)
	}
	first.kill(t)
	atKill := finished()
	t.Logf("killed with %d of 1,000 salaries paid", atKill)
	if atKill >= 1000 {
		t.Fatalf("not killed mid-run: %d salaries paid", atKill)
	}

	second := startPonteProcess(t, bin, dsn)
	s.URL, s.Issuer = second.url, second.url+"/idp"
	restarted := time.Now()
	var status string
	for drain := drainDeadline(t); ; {
		db.Raw(`SELECT status FROM payrolls`).Scan(&status)
		if status == "FINISHED" || status == "PARTIALLY_FAILED" {
			break
		}
		if time.Now().After(drain) {
			t.Fatalf("payroll %s %v after the restart, %d paid\n%s", status, time.Since(restarted), finished(), second.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("resumed and finished %v after the restart", time.Since(restarted).Round(time.Millisecond))
	if status != "FINISHED" {
		t.Fatalf("payroll %s", status)
	}
	checkPaidOnce(t, db, p.Payroll.ID, es)
	var finalEvents int64
	db.Raw(`SELECT count(*) FROM events WHERE topic = 'payment' AND to_status = 'FINISHED' AND name = 'cash_out_payroll_finished'`).Scan(&finalEvents)
	if finalEvents != 1000 {
		t.Fatalf("%d salary FINISHED events, want 1000", finalEvents)
	}
	checkLedger(t, db)
}

// BenchmarkPayroll5000 measures a 5,000-line payroll end to end on a running server: the .xlsx
// upload (multipart), its validation against 5,000 accounts, the creation of 5,000 salaries and
// the one job that pays them, until FINISHED. It reports lines/s (README, "Payroll").
func BenchmarkPayroll5000(b *testing.B) {
	s := startServer(b, nil)
	tok := tenantToken(b, s)
	doc := vectors(b)["cnpj_numeric"].Valid[7].Raw
	a := create(b, s, tok, map[string]any{"name": "Folha Bench", "email": "f@example.com", "document": doc}).Account
	if p, _ := review(b, s, operatorToken(b, s), a.ID, "APPROVE"); p.Account == nil {
		b.Fatal("approve")
	}
	es := seedEmployees(b, s.db, 5, 5000)
	for i := range es {
		es[i].Amount = 100 // R$ 1,00 each: 5,000 lines fit the standard plan's daily limit nine times over
	}
	file := payrollWorkbook(b, es)
	b.ResetTimer()
	began := time.Now()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := gql(b, s, tok, depositMutation, map[string]any{"input": map[string]any{"accountId": a.ID, "amount": "5000.00", "idempotencyKey": fmt.Sprintf("bench-%d", i)}})
		if len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
		b.StartTimer()
		r, p := uploadPayroll(b, s, tok, map[string]any{"accountId": a.ID, "idempotencyKey": fmt.Sprintf("bench-folha-%d", i)}, "folha.xlsx", file)
		if len(r.Errors) > 0 || p.Payroll == nil {
			b.Fatalf("createPayroll: %+v %+v", r.Errors, p.UserErrors)
		}
		if done := waitPayroll(b, s, tok, p.Payroll.ID, 10*time.Minute); done.Summary.Finished != 5000 {
			b.Fatalf("payroll ran as %+v", done)
		}
	}
	b.ReportMetric(float64(5000*b.N)/time.Since(began).Seconds(), "lines/s")
}

// TestPayrollUploadWithNPMClient uploads the spreadsheet with a client built from the npm
// packages upload clients use (extract-files, the extraction of apollo-upload-client, and
// form-data; testdata/graphql-upload-client, installed by .ci/run with npm ci): the payroll is
// created from its file and every salary is paid.
func TestPayrollUploadWithNPMClient(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "graphql-upload-client")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "extract-files")); err != nil {
		t.Fatalf("the upload client is not installed: run (cd %s && npm ci)", dir)
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	payer := payrollAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[8].Raw, "20000.00")
	es := seedEmployees(t, s.db, 6, 100) // the 1,000-line run is TestPayrollFromXLSXUpload's: this proves the client
	file := filepath.Join(t.TempDir(), "folha-npm.xlsx")
	if err := os.WriteFile(file, payrollWorkbook(t, es), 0o600); err != nil {
		t.Fatal(err)
	}
	vars, _ := json.Marshal(map[string]any{"input": map[string]any{"accountId": payer, "idempotencyKey": "folha-npm"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "client.mjs", s.URL+"/graphql", tok, createPayrollMutation, string(vars), file)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var res struct {
		Status int
		Body   gqlResponse
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var p payrollPayload
	if res.Status != http.StatusOK || len(res.Body.Errors) > 0 {
		t.Fatalf("HTTP %d %+v", res.Status, res.Body.Errors)
	}
	res.Body.decode(t, "createPayroll", &p)
	if p.Payroll == nil || p.Payroll.LineCount != len(es) || p.Payroll.Amount.Amount != sumOf(es).String() {
		t.Fatalf("createPayroll: %+v %+v", p.Payroll, p.UserErrors)
	}
	if done := waitPayroll(t, s, tok, p.Payroll.ID, 60*time.Second); done.Status != "FINISHED" || done.Summary.Finished != len(es) {
		t.Fatalf("payroll ran as %+v", done)
	}
	checkPaidOnce(t, s.db, p.Payroll.ID, es)
	checkLedger(t, s.db)
}
