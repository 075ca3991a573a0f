package main

// The restart test of the payments issue: Ponte runs as a separate process (the binary built from
// this module), is killed with SIGKILL while River is executing a batch of approved payments, and
// is started again on the same database. Every payment must end FINISHED or FAILED exactly once
// and the ledger must still add up.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/money"
)

const (
	restartPayments  = 500
	restartAccounts  = 4
	restartFunds     = "1000.00" // each account's deposit
	restartSmall     = "1.00"    // an ordinary transfer: always covered
	restartOverdraft = "5000.00" // every tenth transfer: more than any account can ever hold here
)

// TestPaymentsSurviveSIGKILL creates 500 approved internal transfers on a tenant's own accounts
// (Treasury: no approval, each runs as a River job at once), one in ten of them overdrawing, kills
// the server with SIGKILL while the jobs run, restarts it on the same database and checks that
// every payment reached FINISHED or FAILED exactly once, with exactly one ledger transaction for
// each FINISHED one and none for a FAILED one, and that the ledger invariants hold.
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

	// Four funded accounts of the tenant's own, in a ring: payment i goes from account i%4 to
	// account (i+1)%4.
	docs := vectors(t)["cnpj_numeric"].Valid
	ids, codes := make([]string, restartAccounts), make([]string, restartAccounts)
	for i := range ids {
		ids[i] = approvedAccount(t, s, tok, docs[10+i].Raw)
		if p := deposit(t, s, tok, ids[i], restartFunds, fmt.Sprintf("restart-funds-%d", i)); p.Entry == nil {
			t.Fatalf("deposit: %+v", p.UserErrors)
		}
		var a struct{ BankAccount struct{ AccountCode string } }
		gql(t, s, tok, `query($id: ID!) { account(id: $id) { bankAccount { accountCode } } }`, map[string]any{"id": ids[i]}).decode(t, "account", &a)
		codes[i] = a.BankAccount.AccountCode
	}

	// All 500 at once, from a pool of concurrent clients.
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
				id, err := createRestartPayment(client, s, tok, ids[i%restartAccounts], codes[(i+1)%restartAccounts], i)
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

	// Kill at once: the jobs of the last payments cannot have run yet.
	first.kill(t)
	atKill := statusCounts(t, db)
	var postedNotFinished int64 // killed between the ledger posting and the status change
	db.Raw(`SELECT count(*) FROM payments p WHERE p.status = 'APPROVED'
		AND EXISTS (SELECT 1 FROM ledger_transactions lt WHERE lt.operation_id = p.id)`).Scan(&postedNotFinished)
	t.Logf("created %d payments in %v; at SIGKILL: %v (%d APPROVED already posted); River jobs: %v",
		restartPayments, createdIn.Round(time.Millisecond), atKill, postedNotFinished, jobStates(t, db))
	if total := sumCounts(atKill); total != restartPayments {
		t.Fatalf("%d payments in the database, want %d", total, restartPayments)
	}
	if atKill["FINISHED"]+atKill["FAILED"] == 0 || atKill["APPROVED"] == 0 {
		t.Fatalf("not killed mid-execution: %v (make the batch bigger or kill sooner)", atKill)
	}
	for st := range atKill {
		if st != "APPROVED" && st != "FINISHED" && st != "FAILED" {
			t.Fatalf("a Treasury internal transfer is %s: %v", st, atKill)
		}
	}

	// Restart on the same database and wait until every payment has run. The jobs the killed
	// server held stay "running" until the new leader's rescuer takes them (RescueAfter, then the
	// rescuer's own interval) and retries them: how long that takes depends on River's timers and
	// on the machine's load, so the wait is bounded only by the test's own deadline.
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
			t.Fatalf("%d payments still waiting to run %v after the restart: %v\nRiver jobs of those payments: %s\nserver log (restarted):\n%s",
				open, time.Since(restarted).Round(time.Second), statusCounts(t, db), stuckJobs(t, db), second.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("queue drained %v after the restart: %v; River jobs: %v", time.Since(restarted).Round(time.Millisecond), statusCounts(t, db), jobStates(t, db))

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
			// Created APPROVED, then one final event: APPROVED → FINISHED or FAILED.
			if r.FinalEvents != 1 || r.Events != 2 || r.LastTo != r.Status {
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
		// Each account: its deposit, plus the small transfers the ring brought in, less those it
		// sent (the overdrafts failed and moved nothing), read over GraphQL from the restarted server.
		funds, _ := money.Parse(restartFunds)
		small, _ := money.Parse(restartSmall)
		want := make([]money.Cents, restartAccounts)
		for k := range want {
			want[k] = funds
		}
		for i := range restartPayments {
			if restartAmount(i) == restartSmall {
				want[i%restartAccounts] -= small
				want[(i+1)%restartAccounts] += small
			}
		}
		for k, id := range ids {
			var b struct {
				Balance struct{ Available struct{ Amount string } }
			}
			gql(t, s, tok, `query($id: ID!) { account(id: $id) { balance { available { amount } } } }`, map[string]any{"id": id}).decode(t, "account", &b)
			if b.Balance.Available.Amount != want[k].String() {
				t.Errorf("account %d: available %s, want %s", k, b.Balance.Available.Amount, want[k])
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
	// Treasury: approved at once; it may even have run already.
	if st := p.Payment.Status; st != "APPROVED" && st != "FINISHED" && st != "FAILED" {
		return "", fmt.Errorf("created %s, want APPROVED", st)
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

// jobStates counts the payment jobs by River state.
func jobStates(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	var rows []struct {
		State string
		N     int64
	}
	if err := db.Raw(`SELECT state::text AS state, count(*) AS n FROM river_job WHERE kind = 'payment_execute' GROUP BY state`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out
}

// stuckJobs describes the River jobs of the payments that have not run.
func stuckJobs(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var rows []struct {
		PaymentID   string
		Status      string
		State       *string
		Attempt     *int
		AttemptedBy *string
		AttemptedAt *time.Time
		Errors      *string
	}
	err := db.Raw(`
		SELECT p.id AS payment_id, p.status, j.state::text AS state, j.attempt, array_to_string(j.attempted_by, ',') AS attempted_by,
		       j.attempted_at, left(j.errors::text, 300) AS errors
		FROM payments p LEFT JOIN river_job j ON j.kind = 'payment_execute' AND j.args->>'payment_id' = p.id::text
		WHERE p.status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY')
		ORDER BY p.created_at LIMIT 12`).Scan(&rows).Error
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  payment %s %s: job state %s, attempt %s, attempted by %s at %s, errors %s\n", r.PaymentID, r.Status,
			deref(r.State), derefInt(r.Attempt), deref(r.AttemptedBy), derefTime(r.AttemptedAt), deref(r.Errors))
	}
	var leader []struct {
		LeaderID  string
		ExpiresAt time.Time
	}
	db.Raw(`SELECT leader_id, expires_at FROM river_leader`).Scan(&leader)
	fmt.Fprintf(&b, "  River leader: %+v (now %s)", leader, time.Now().UTC().Format(time.RFC3339))
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

func derefInt(n *int) string {
	if n == nil {
		return "<none>"
	}
	return strconv.Itoa(*n)
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
