package main

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aclindsa/ofxgo"
)

const depositMutation = `mutation($input: SandboxDepositInput!) {
  sandboxDeposit(input: $input) {
    entry { id direction amount { amount } balanceAfter { amount } kind counterparty { name institution { code } } }
    account { id }
    userErrors { field code message }
  }
}`

type depositPayload struct {
	Entry *struct {
		ID, Direction, Kind string
		Amount              struct{ Amount string }
		BalanceAfter        struct{ Amount string }
		Counterparty        *struct {
			Name        string
			Institution struct{ Code string }
		}
	}
	UserErrors []userError
}

func deposit(t *testing.T, s *testServer, token, accountID, amount, key string) depositPayload {
	t.Helper()
	r := gql(t, s, token, depositMutation, map[string]any{"input": map[string]any{"accountId": accountID, "amount": amount, "idempotencyKey": key, "description": "Aporte " + key}})
	if len(r.Errors) > 0 {
		t.Fatalf("sandboxDeposit: %+v", r.Errors)
	}
	var p depositPayload
	r.decode(t, "sandboxDeposit", &p)
	return p
}

// approvedAccount opens an account for the tenant and has the operator approve it.
func approvedAccount(t *testing.T, s *testServer, token string, doc string) string {
	t.Helper()
	a := create(t, s, token, map[string]any{"name": "Empresa Exemplo", "email": "e@example.com", "document": doc}).Account
	if a == nil {
		t.Fatal("account not created")
	}
	if p, _ := review(t, s, operatorToken(t, s), a.ID, "APPROVE"); p.Account == nil || p.Account.Status != "APPROVED" {
		t.Fatalf("approve: %+v", p)
	}
	return a.ID
}

func TestLedgerOverGraphQLAndExports(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	vec := vectors(t)
	acc := approvedAccount(t, s, tok, vec["cnpj_numeric"].Valid[3].Raw)

	t.Run("DepositsAndBalance", func(t *testing.T) {
		p := deposit(t, s, tok, acc, "1500.25", "dep-1")
		if len(p.UserErrors) > 0 || p.Entry == nil || p.Entry.Direction != "CREDIT" || p.Entry.Amount.Amount != "1500.25" || p.Entry.Kind != "EXTERNAL" ||
			p.Entry.Counterparty == nil || p.Entry.Counterparty.Institution.Code != "001" {
			t.Fatalf("%+v", p)
		}
		deposit(t, s, tok, acc, "30000000000.00", "dep-big") // R$30 billion: far above 2^31 cents
		var a struct {
			Balance struct{ Available, Blocked struct{ Amount string } }
			Limits  struct{ DailyUsed struct{ Amount string } }
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } blocked { amount } } limits { dailyUsed { amount } } } }`,
			map[string]any{"id": acc}).decode(t, "account", &a)
		if a.Balance.Available.Amount != "30000001500.25" || a.Balance.Blocked.Amount != "0.00" || a.Limits.DailyUsed.Amount != "0.00" {
			t.Fatalf("%+v", a)
		}
	})

	t.Run("IdempotencyKeyReplaysAndRefusesReuse", func(t *testing.T) {
		first := deposit(t, s, tok, acc, "10.00", "dep-idem")
		again := deposit(t, s, tok, acc, "10.00", "dep-idem")
		if again.Entry == nil || again.Entry.ID != first.Entry.ID {
			t.Fatalf("replay gave another entry: %+v vs %+v", again.Entry, first.Entry)
		}
		reused := deposit(t, s, tok, acc, "11.00", "dep-idem")
		if reused.Entry != nil || len(reused.UserErrors) != 1 || reused.UserErrors[0].Code != "IDEMPOTENCY_KEY_REUSED" {
			t.Fatalf("%+v", reused)
		}
	})

	t.Run("ErrBadDeposits", func(t *testing.T) {
		pending := create(t, s, tok, map[string]any{"name": "Pendente", "email": "p@example.com", "document": vec["cpf"].Valid[7].Raw}).Account
		if p := deposit(t, s, tok, pending.ID, "1.00", "dep-pending"); len(p.UserErrors) != 1 || p.UserErrors[0].Code != "ACCOUNT_NOT_APPROVED" {
			t.Fatalf("deposit to a pending account: %+v", p)
		}
		if p := deposit(t, s, tok, acc, "0.00", "dep-zero"); len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" {
			t.Fatalf("zero deposit: %+v", p)
		}
		r := gql(t, s, tok, depositMutation, map[string]any{"input": map[string]any{"accountId": acc, "amount": "1.001", "idempotencyKey": "x"}})
		if r.code() == "" {
			t.Fatal("three decimals accepted")
		}
		r = gql(t, s, tok, depositMutation, map[string]any{"input": map[string]any{"accountId": acc, "amount": 10.5, "idempotencyKey": "x"}})
		if r.code() == "" {
			t.Fatal("a JSON number accepted as Decimal")
		}
	})

	t.Run("StatementNewestFirst", func(t *testing.T) {
		var a struct {
			Statement struct {
				Nodes []struct {
					Amount       struct{ Amount string }
					BalanceAfter struct{ Amount string }
					Description  string
				}
				PageInfo struct{ HasNextPage bool }
			}
		}
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { statement(first: 2) { nodes { amount { amount } balanceAfter { amount } description } pageInfo { hasNextPage } } } }`,
			map[string]any{"id": acc}).decode(t, "account", &a)
		n := a.Statement.Nodes
		if len(n) != 2 || n[0].Description != "Aporte dep-idem" || !a.Statement.PageInfo.HasNextPage || n[0].BalanceAfter.Amount != "30000001510.25" {
			t.Fatalf("%+v", a)
		}
	})

	t.Run("StatementPagesByCursor", func(t *testing.T) {
		type page struct {
			Statement struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct {
					HasNextPage            bool
					StartCursor, EndCursor *string
				}
			}
		}
		q := `query($id: ID!, $after: String) { account(id: $id) { statement(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage startCursor endCursor } } } }`
		var seen []string
		var after *string
		for i := 0; i < 5; i++ {
			var pg page
			gql(t, s, tok, q, map[string]any{"id": acc, "after": after}).decode(t, "account", &pg)
			e := pg.Statement.Edges
			if len(e) == 0 || *pg.Statement.PageInfo.StartCursor != e[0].Cursor || *pg.Statement.PageInfo.EndCursor != e[len(e)-1].Cursor {
				t.Fatalf("page %d: %+v", i, pg)
			}
			for _, edge := range e {
				seen = append(seen, edge.Node.ID)
			}
			if !pg.Statement.PageInfo.HasNextPage {
				break
			}
			after = pg.Statement.PageInfo.EndCursor
		}
		if len(seen) != 3 || seen[0] == seen[1] || seen[1] == seen[2] || seen[0] == seen[2] {
			t.Fatalf("paged through %v, want the 3 entries once each", seen)
		}
	})

	t.Run("OFXExportParsesAndMatches", func(t *testing.T) {
		resp := getWithToken(t, s.URL+"/accounts/"+acc+"/statement.ofx", tok)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d", resp.StatusCode)
		}
		parsed, err := ofxgo.ParseResponse(resp.Body)
		if err != nil {
			t.Fatalf("ofxgo: %v", err)
		}
		stmt, ok := parsed.Bank[0].(*ofxgo.StatementResponse)
		if !ok {
			t.Fatalf("no bank statement in %+v", parsed)
		}
		if stmt.BankAcctFrom.BankID.String() != "197" || len(stmt.BankTranList.Transactions) != 3 ||
			stmt.AvailBalAmt == nil || stmt.AvailBalAmt.String() != "30000001510.25" || stmt.BalAmt.String() != "30000001510.25" {
			t.Fatalf("bank %s, %d transactions, available %v, ledger %s", stmt.BankAcctFrom.BankID, len(stmt.BankTranList.Transactions), stmt.AvailBalAmt, stmt.BalAmt.String())
		}
	})

	t.Run("CSVExport", func(t *testing.T) {
		resp := getWithToken(t, s.URL+"/accounts/"+acc+"/statement.csv?from=2000-01-01&to=2999-12-31", tok)
		defer resp.Body.Close()
		rows, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
		}
		if strings.Join(rows[0][:6], ",") != "id,occurred_at,date,direction,kind,amount" || len(rows) != 4 {
			t.Fatalf("header %v, %d rows", rows[0], len(rows))
		}
	})

	t.Run("ErrExportAuthorization", func(t *testing.T) {
		for name, c := range map[string]struct {
			token string
			want  int
		}{"none": {"", 401}, "otherTenant": {tenant2Token(t, s), 403}} {
			resp := getWithToken(t, s.URL+"/accounts/"+acc+"/statement.csv", c.token)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want || strings.Contains(string(body), "dep-") {
				t.Errorf("%s: HTTP %d %s", name, resp.StatusCode, body)
			}
		}
		if resp := getWithToken(t, s.URL+"/accounts/"+acc+"/statement.csv?from=2026-13-01", tok); resp.StatusCode != 400 {
			t.Errorf("bad date: HTTP %d", resp.StatusCode)
		}
	})

	t.Run("OperatorChangesTheLimitPlan", func(t *testing.T) {
		op := operatorToken(t, s)
		r := gql(t, s, op, `mutation { createLimitPlan(input: {name: "premium", daily: "100000.00", monthly: "1000000.00"}) { plan { name daily { amount } } userErrors { code } } }`, nil)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data["createLimitPlan"]), `"100000.00"`) {
			t.Fatalf("%+v %s", r.Errors, r.Data["createLimitPlan"])
		}
		r = gql(t, s, op, `mutation($id: ID!) { setAccountLimitPlan(input: {accountId: $id, plan: "premium"}) { account { limits { plan daily { amount } } } userErrors { code } } }`, map[string]any{"id": acc})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data["setAccountLimitPlan"]), `"premium"`) {
			t.Fatalf("%+v %s", r.Errors, r.Data["setAccountLimitPlan"])
		}
		if r := gql(t, s, tok, `mutation { createLimitPlan(input: {name: "x", daily: "1.00", monthly: "1.00"}) { plan { name } } }`, nil); r.code() != "FORBIDDEN" {
			t.Fatalf("tenant created a plan: %+v", r.Errors)
		}
	})
}

func getWithToken(t *testing.T, u, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
