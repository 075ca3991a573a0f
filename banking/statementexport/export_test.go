package statementexport_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aclindsa/ofxgo"
	"github.com/google/uuid"
	"golang.org/x/text/encoding/charmap"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/statementexport"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

var saoPaulo, _ = time.LoadLocation("America/Sao_Paulo")

// venda is a description as a point-of-sale app writes it: an emoji (outside Windows-1252), a
// line break and a character that needs escaping.
const venda = "Venda nº 1 🎉 pão & café\r\nsegunda linha"

// fixture is an account with a few days of movements: deposits from a sender whose name needs
// escaping and Windows-1252, a transfer out with a fee, a transfer in.
type fixture struct {
	ledger  *ledger.Service
	account *models.Account
	entries []ledger.Entry // oldest first
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, _ := testdb.Open(t)
	accs, err := accounts.New(ctx, db, accounts.Config{DefaultPlan: "standard"})
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, saoPaulo)
	led.SetClock(func() time.Time { return now })
	open := func(doc string) *models.Account {
		a, err := accs.Create(ctx, nil, accounts.CreateInput{Name: "Padaria Pão de Açúcar", Email: "p@example.com", Document: doc})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = accs.Review(ctx, a.ID, accounts.DecisionApprove, nil, "test"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	acc, other := open("24843803480"), open("23858488135")
	sender := ledger.SandboxCounterparty
	sender.Name = "Açaí & Cia <Comércio> Ltda"
	steps := []func() (*ledger.Transaction, error){
		func() (*ledger.Transaction, error) {
			return led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "d1", AccountID: acc.ID, Amount: 150_000, From: sender, Description: venda})
		},
		func() (*ledger.Transaction, error) {
			return led.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t1", From: acc.ID, To: other.ID, Amount: 12_345, Fee: 150, Description: "Aluguel, junho"})
		},
		func() (*ledger.Transaction, error) {
			return led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "d2", AccountID: other.ID, Amount: 50_000, From: sender})
		},
		func() (*ledger.Transaction, error) {
			return led.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t2", From: other.ID, To: acc.ID, Amount: 999, Description: `=Reembolso "café"`})
		},
	}
	for _, step := range steps {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
		now = now.Add(26 * time.Hour)
	}
	f := &fixture{ledger: led, account: acc}
	err = led.EachEntry(ctx, acc.ID, ledger.StatementFilter{}, func(ledger.StatementPeriod) error { return nil },
		func(e ledger.Entry) error { f.entries = append(f.entries, e); return nil })
	if err != nil || len(f.entries) != 4 {
		t.Fatalf("%v, %d entries", err, len(f.entries))
	}
	return f
}

func export(t *testing.T, f *fixture, filter ledger.StatementFilter, w func(io.Writer) statementexport.Writer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := statementexport.Export(context.Background(), f.ledger, f.account.ID, filter, w(&buf)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseOFX reads an export with an independent OFX parser, honouring its CHARSET:1252 header.
func parseOFX(t *testing.T, b []byte) *ofxgo.StatementResponse {
	t.Helper()
	resp, err := ofxgo.ParseResponse(charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("ofxgo: %v\n%s", err, b)
	}
	if len(resp.Bank) != 1 {
		t.Fatalf("%d bank messages", len(resp.Bank))
	}
	stmt, ok := resp.Bank[0].(*ofxgo.StatementResponse)
	if !ok {
		t.Fatalf("bank message %T", resp.Bank[0])
	}
	return stmt
}

func amount(a ofxgo.Amount) money.Cents {
	c, err := money.Parse(a.FloatString(2))
	if err != nil {
		panic(err)
	}
	return c
}

func TestOFX(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, saoPaulo)
	ofx := func(w io.Writer) statementexport.Writer {
		return statementexport.NewOFX(w, statementexport.AccountOf(f.account.BankAccount), now)
	}

	t.Run("AnIndependentParserReadsTheLedgersTransactionsAndBalances", func(t *testing.T) {
		stmt := parseOFX(t, export(t, f, ledger.StatementFilter{}, ofx))
		if stmt.CurDef.String() != "BRL" || stmt.BankAcctFrom.BankID != "197" || stmt.BankAcctFrom.BranchID != "0001" ||
			string(stmt.BankAcctFrom.AcctID) != f.account.BankAccount.AccountCode {
			t.Fatalf("account %+v, currency %s", stmt.BankAcctFrom, stmt.CurDef)
		}
		txns := stmt.BankTranList.Transactions
		if len(txns) != len(f.entries) {
			t.Fatalf("%d transactions, %d entries", len(txns), len(f.entries))
		}
		for i, tr := range txns {
			e := f.entries[i]
			wantType, wantMemo := "CREDIT", e.Description
			switch {
			case e.Direction == ledger.Debit && e.Kind == ledger.KindFee:
				wantType = "FEE"
			case e.Direction == ledger.Debit:
				wantType = "DEBIT"
			}
			if e.Description == venda {
				wantMemo = "Venda nº 1 ? pão & café segunda linha"
			}
			if string(tr.FiTID) != statementexport.Reference(e) || string(tr.FiTID) != e.ID.String() || amount(tr.TrnAmt) != e.Signed() || tr.TrnType.String() != wantType ||
				!tr.DtPosted.Time.Equal(e.OccurredAt.Truncate(time.Millisecond)) || string(tr.Memo) != wantMemo {
				t.Errorf("transaction %d: %s %s %s %s %q; entry %+v", i, tr.FiTID, tr.TrnType, tr.TrnAmt.String(), tr.DtPosted, tr.Memo, e)
			}
		}
		bal, err := f.ledger.Balance(context.Background(), f.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		if amount(stmt.BalAmt) != bal.Available+bal.Blocked || amount(*stmt.AvailBalAmt) != bal.Available {
			t.Fatalf("balances %s / %s, ledger %+v", stmt.BalAmt.String(), stmt.AvailBalAmt.String(), bal)
		}
		if bal.Available != f.entries[len(f.entries)-1].BalanceAfter {
			t.Fatal("the fixture's balance is not its last entry's")
		}
	})

	t.Run("APastPeriodClosesWithItsOwnBalance", func(t *testing.T) {
		day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC) // the transfer out and its fee
		stmt := parseOFX(t, export(t, f, ledger.StatementFilter{From: &day, To: &day}, ofx))
		txns := stmt.BankTranList.Transactions
		if len(txns) != 2 || string(txns[1].FiTID) != f.entries[2].ID.String() {
			t.Fatalf("%d transactions", len(txns))
		}
		end := time.Date(2026, 6, 3, 0, 0, 0, 0, saoPaulo)
		if amount(stmt.BalAmt) != f.entries[2].BalanceAfter || amount(*stmt.AvailBalAmt) != f.entries[2].BalanceAfter || !stmt.DtAsOf.Time.Equal(end) {
			t.Fatalf("closing %s at %s, want %s at %s", stmt.BalAmt.String(), stmt.DtAsOf, f.entries[2].BalanceAfter, end)
		}
		if !stmt.BankTranList.DtStart.Time.Equal(time.Date(2026, 6, 2, 0, 0, 0, 0, saoPaulo)) || !stmt.BankTranList.DtEnd.Time.Equal(end) {
			t.Fatalf("period %s to %s", stmt.BankTranList.DtStart, stmt.BankTranList.DtEnd)
		}
	})

	t.Run("NamesAreEscapedAndInWindows1252", func(t *testing.T) {
		raw := export(t, f, ledger.StatementFilter{}, ofx)
		if !bytes.Contains(raw, []byte("CHARSET:1252")) || !bytes.Contains(raw, []byte("A\xe7a\xed &amp; Cia &lt;Com\xe9rcio&gt;")) {
			t.Fatalf("name not escaped in Windows-1252:\n%q", raw)
		}
		stmt := parseOFX(t, raw)
		if got := string(stmt.BankTranList.Transactions[0].Name); !strings.HasPrefix(got, "Açaí & Cia <Comércio>") {
			t.Fatalf("name %q", got)
		}
	})

	t.Run("CharactersOutsideWindows1252BecomeAQuestionMark", func(t *testing.T) {
		raw := export(t, f, ledger.StatementFilter{}, ofx)
		if bytes.ContainsRune(raw, 0x1A) || !bytes.Contains(raw, []byte("<MEMO>Venda n\xba 1 ? p\xe3o &amp; caf\xe9 segunda linha\r\n")) {
			t.Fatalf("the emoji is not one '?' in Windows-1252:\n%q", raw)
		}
		types := map[string]int{}
		for _, tr := range parseOFX(t, raw).BankTranList.Transactions {
			types[tr.TrnType.String()]++
		}
		if types["FEE"] != 1 || types["DEBIT"] != 1 || types["CREDIT"] != 2 {
			t.Fatalf("transaction types %v, want the transfer's fee as FEE", types)
		}
	})

	t.Run("FITIDsAreStableAcrossExports", func(t *testing.T) {
		a := parseOFX(t, export(t, f, ledger.StatementFilter{}, ofx))
		b := parseOFX(t, export(t, f, ledger.StatementFilter{}, ofx))
		for i := range a.BankTranList.Transactions {
			if a.BankTranList.Transactions[i].FiTID != b.BankTranList.Transactions[i].FiTID {
				t.Fatal("FITID changed between exports")
			}
		}
	})

	t.Run("AnEmptyPeriodIsAValidFile", func(t *testing.T) {
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		stmt := parseOFX(t, export(t, f, ledger.StatementFilter{From: &day, To: &day}, ofx))
		if stmt.BankTranList == nil || len(stmt.BankTranList.Transactions) != 0 || amount(stmt.BalAmt) != 0 {
			t.Fatalf("%+v", stmt)
		}
	})
}

func TestCSV(t *testing.T) {
	f := newFixture(t)
	records, err := csv.NewReader(bytes.NewReader(export(t, f, ledger.StatementFilter{}, statementexport.NewCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("HeaderAsDocumented", func(t *testing.T) {
		if strings.Join(records[0], ",") != "id,occurred_at,date,direction,kind,amount,fee,balance_before,balance_after,description,"+
			"transaction_id,operation_id,counterparty_name,counterparty_document,counterparty_ispb,counterparty_bank_code,"+
			"counterparty_branch,counterparty_account" {
			t.Fatalf("header %v", records[0])
		}
	})

	t.Run("OneRecordPerEntryOldestFirstWithDecimalAmounts", func(t *testing.T) {
		if len(records) != 1+len(f.entries) {
			t.Fatalf("%d records", len(records))
		}
		var sum money.Cents
		for i, r := range records[1:] {
			e := f.entries[i]
			at, err := time.Parse(time.RFC3339, r[1])
			amt, err2 := money.Parse(r[5])
			if err != nil || err2 != nil || r[0] != e.ID.String() || !at.Equal(e.OccurredAt) || r[2] != e.OccurredAt.In(saoPaulo).Format(time.DateOnly) ||
				r[3] != string(e.Direction) || r[4] != string(e.Kind) || amt != e.Signed() || r[8] != e.BalanceAfter.String() || r[9] != strings.ReplaceAll(e.Description, "\r\n", "\n") {
				t.Errorf("record %d %v; entry %+v", i, r, e)
			}
			sum += amt
		}
		if r := records[1]; r[9] != "Venda nº 1 🎉 pão & café\nsegunda linha" { // quoted as RFC 4180 says, one record
			t.Fatalf("description %q", r[9])
		}
		if r := records[2]; r[5] != "-123.45" || r[6] != "1.50" || r[12] != "Padaria Pão de Açúcar" || r[16] != "0001" {
			t.Fatalf("transfer out %v", r)
		}
		if sum != f.entries[len(f.entries)-1].BalanceAfter {
			t.Fatalf("amounts sum to %s", sum)
		}
	})
}

// TestCSVBrazilianDialect reads the br dialect as a spreadsheet set to Portuguese (Brazil) does:
// a UTF-8 byte order mark, ';' between fields, a decimal comma, dd/mm/yyyy dates, one line per
// entry; and finds the ledger's numbers.
func TestCSVBrazilianDialect(t *testing.T) {
	f := newFixture(t)
	raw := export(t, f, ledger.StatementFilter{}, func(w io.Writer) statementexport.Writer {
		return statementexport.NewCSVDialect(w, statementexport.DialectBR)
	})
	body, ok := bytes.CutPrefix(raw, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("no UTF-8 byte order mark: %q", raw[:8])
	}
	if n := 1 + len(f.entries); strings.Count(string(body), "\n") != n || strings.Count(string(body), "\r") != n {
		t.Fatalf("not %d lines: a line break inside a field broke a row:\n%s", n, body)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+len(f.entries) || strings.Join(records[0], ",") != strings.Join(statementexport.CSVHeader, ",") {
		t.Fatalf("%d records, header %v", len(records), records[0])
	}
	decimal := func(s string) money.Cents {
		if strings.Contains(s, ".") {
			t.Fatalf("%q: a pt-BR spreadsheet reads '.' as a thousands separator", s)
		}
		c, err := money.Parse(strings.Replace(s, ",", ".", 1))
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return c
	}
	var sum money.Cents
	for i, rec := range records[1:] {
		e := f.entries[i]
		local := e.OccurredAt.In(saoPaulo)
		amt := decimal(rec[5])
		if rec[0] != statementexport.Reference(e) || rec[2] != local.Format("02/01/2006") || rec[1] != local.Format("02/01/2006 15:04:05") ||
			amt != e.Signed() || decimal(rec[6]) != e.Fee || decimal(rec[7]) != e.BalanceBefore || decimal(rec[8]) != e.BalanceAfter {
			t.Errorf("record %d %v; entry %+v", i, rec, e)
		}
		sum += amt
	}
	if sum != f.entries[len(f.entries)-1].BalanceAfter {
		t.Fatalf("amounts sum to %s", sum)
	}
	if got := records[1][9]; got != "Venda nº 1 🎉 pão & café segunda linha" {
		t.Fatalf("the description's line break: %q", got)
	}
	if got := records[4][9]; got != `'=Reembolso "café"` {
		t.Fatalf("a description a spreadsheet would run as a formula: %q", got)
	}
	if records[2][5] != "-123,45" || records[2][6] != "1,50" {
		t.Fatalf("transfer out %v", records[2])
	}
	if _, err := statementexport.ParseDialect("excel"); err == nil {
		t.Fatal("an unknown dialect was accepted")
	}
}

func TestExportStopsWhenTheWriterFails(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("client went away")
	w := &failingWriter{failAt: 2, err: boom}
	err := statementexport.Export(context.Background(), f.ledger, f.account.ID, ledger.StatementFilter{}, w)
	if !errors.Is(err, boom) || w.entries != 2 || w.closed {
		t.Fatalf("err %v after %d entries (closed %v)", err, w.entries, w.closed)
	}
	if err := statementexport.Export(context.Background(), f.ledger, uuid.New(), ledger.StatementFilter{}, statementexport.NewCSV(io.Discard)); err == nil {
		t.Fatal("an unknown account exported")
	}
}

type failingWriter struct {
	failAt, entries int
	err             error
	closed          bool
}

func (w *failingWriter) Begin(ledger.StatementPeriod) error { return nil }
func (w *failingWriter) Entry(ledger.Entry) error {
	w.entries++
	if w.entries == w.failAt {
		return w.err
	}
	return nil
}
func (w *failingWriter) Close() error { w.closed = true; return nil }
