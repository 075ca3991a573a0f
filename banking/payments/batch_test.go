package payments_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// batchEnv is env with the service on the batch runner (the server's), not the test queue.
func batchEnv(t testing.TB) (*env, *payments.Batches) {
	t.Helper()
	e := newEnv(t)
	b := payments.NewBatches(nil)
	e.svc = payments.New(e.db, e.led, b, payments.Config{})
	e.svc.SetClock(func() time.Time { return e.now })
	return e, b
}

// approved creates n internal transfers through consent (CREATED, waiting for the holder) of
// amount each and has the holder approve them in one call: each becomes APPROVED and due.
func (e *env) approved(t testing.TB, svc *payments.Service, prefix string, n int, amount money.Cents) []uuid.UUID {
	t.Helper()
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent}
	ids := make([]uuid.UUID, n)
	for i := range ids {
		p, err := svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{
			Common: payments.Common{AccountID: e.from, Amount: amount, IdempotencyKey: fmt.Sprintf("%s-%d", prefix, i)}, TargetAccountCode: e.toCode})
		if err != nil || payments.Status(p.Status) != payments.StatusCreated {
			t.Fatalf("%+v %v", p, err)
		}
		ids[i] = p.ID
	}
	if _, err := svc.Approve(ctx, "holder:x", ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// postings counts each payment's ledger transactions.
func postings(t *testing.T, db *gorm.DB, ids []uuid.UUID) map[uuid.UUID]int {
	t.Helper()
	var rows []struct {
		OperationID uuid.UUID
		N           int
	}
	if err := db.Raw(`SELECT operation_id, count(*) AS n FROM ledger_transactions WHERE operation_id IN ? GROUP BY 1`, ids).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]int{}
	for _, r := range rows {
		out[r.OperationID] = r.N
	}
	return out
}

func (e *env) verify(t *testing.T) {
	t.Helper()
	if r, err := e.led.Verify(context.Background()); err != nil || !r.OK() {
		t.Fatalf("ledger: %v %s", err, r.String())
	}
}

// 201 approved payments run in seven transactions of 32 or fewer (one commit each), every one posted once
// under its own key; one that overdraws fails alone (a business refusal), the rest of its batch
// commits.
func TestApprovedPaymentsRunInBatches(t *testing.T) {
	e, _ := batchEnv(t)
	ctx := context.Background()
	ids := e.approved(t, e.svc, "p", 200, 100)
	over := e.approved(t, e.svc, "over", 1, 500_000)[0]
	var batches []int
	for {
		n, err := e.svc.ExecuteDue(ctx, time.Now(), payments.DefaultBatchSize, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		batches = append(batches, n)
	}
	size := payments.DefaultBatchSize
	if len(batches) != (201+size-1)/size || batches[0] != size || batches[len(batches)-1] != 201%size {
		t.Fatalf("batches %v, want %d of %d and the rest", batches, 201/size, size)
	}
	posted := postings(t, e.db, append(ids, over))
	for _, id := range ids {
		if e.status(t, id) != payments.StatusFinished || posted[id] != 1 {
			t.Fatalf("payment %s: %s, %d postings", id, e.status(t, id), posted[id])
		}
	}
	p, _ := e.svc.Get(ctx, over)
	if payments.Status(p.Status) != payments.StatusFailed || p.FailureReason == nil || *p.FailureReason != "insufficient_balance" || posted[over] != 0 {
		t.Fatalf("overdraft: %s %v, %d postings", p.Status, p.FailureReason, posted[over])
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Available != 100_000-200*100 {
		t.Fatalf("balance %d", b.Available)
	}
	e.verify(t)
}

// A technical failure of one payment rolls back only its savepoint: the rest of the batch
// commits FINISHED, and it is backed off and runs on a later claim.
func TestATechnicalFailureBacksOffOnePaymentOfTheBatch(t *testing.T) {
	e, _ := batchEnv(t)
	ctx := context.Background()
	ids := e.approved(t, e.svc, "p", 10, 100)
	broken := ids[4]
	// The ledger refuses the broken payment's posting with an error no business rule gives.
	if err := e.db.Exec(fmt.Sprintf(`CREATE FUNCTION fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.operation_id = '%s' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER fail_one BEFORE INSERT ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION fail_one()`, broken)).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if n, err := e.svc.ExecuteDue(ctx, now, payments.DefaultBatchSize, quiet); err != nil || n != 10 {
		t.Fatalf("claimed %d: %v", n, err)
	}
	posted := postings(t, e.db, ids)
	for _, id := range ids {
		want := payments.StatusFinished
		if id == broken {
			want = payments.StatusApproved
		}
		if st := e.status(t, id); st != want || (id != broken && posted[id] != 1) || (id == broken && posted[id] != 0) {
			t.Fatalf("payment %s: %s (want %s), %d postings", id, st, want, posted[id])
		}
	}
	var q struct {
		DueAt       time.Time
		RunAttempts int
	}
	e.db.Raw(`SELECT due_at, run_attempts FROM payments WHERE id = ?`, broken).Scan(&q)
	if q.RunAttempts != 1 || !q.DueAt.After(now) {
		t.Fatalf("broken payment queued %+v, want one attempt, due after %s", q, now)
	}
	if n, err := e.svc.ExecuteDue(ctx, now, payments.DefaultBatchSize, quiet); err != nil || n != 0 {
		t.Fatalf("backed-off payment claimed again at once: %d %v", n, err)
	}
	if err := e.db.Exec(`DROP TRIGGER fail_one ON ledger_transactions`).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.ExecuteDue(ctx, q.DueAt, payments.DefaultBatchSize, quiet); err != nil || n != 1 {
		t.Fatalf("retry claimed %d: %v", n, err)
	}
	if e.status(t, broken) != payments.StatusFinished || postings(t, e.db, ids)[broken] != 1 {
		t.Fatalf("after the retry: %s", e.status(t, broken))
	}
	e.verify(t)
}

// Two replicas' runners, two loops each, claim from one queue at once: every payment runs
// exactly once (one posting each, the ledger balanced). (All pay from one account, so the
// batches that hold it take turns: the others claim, find it held and leave its payments due.)
func TestTwoReplicasNeverRunAPaymentTwice(t *testing.T) {
	e, _ := batchEnv(t)
	ctx := context.Background()
	other := payments.New(e.db, e.led, payments.NewBatches(nil), payments.Config{})
	other.SetClock(func() time.Time { return e.now })
	ids := e.approved(t, e.svc, "a", 150, 100)
	ids = append(ids, e.approved(t, other, "b", 150, 100)...)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed int
		errs    []error
	)
	for _, svc := range []*payments.Service{e.svc, other, e.svc, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := svc.ExecuteDue(ctx, time.Now(), 20, quiet)
				mu.Lock()
				claimed += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if n == 0 || err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if claimed != len(ids) {
		t.Fatalf("%d claims for %d payments", claimed, len(ids))
	}
	posted := postings(t, e.db, ids)
	for _, id := range ids {
		if e.status(t, id) != payments.StatusFinished || posted[id] != 1 {
			t.Fatalf("payment %s: %s, %d postings", id, e.status(t, id), posted[id])
		}
	}
	if b, _ := e.led.Balance(ctx, e.from); b.Available != 100_000-300*100 {
		t.Fatalf("balance %d", b.Available)
	}
	e.verify(t)
}

// A scheduled payment is due in the queue when its day's window opens: claimed earlier (its due
// time measured on a clock that disagrees with the calendar's) it is put back, unrun, until then.
func TestAScheduledPaymentWaitsInTheQueueForItsDay(t *testing.T) {
	e, _ := batchEnv(t)
	ctx := context.Background()
	tomorrow := brazil.DateOf(e.now).AddDays(1)
	p, err := e.svc.CreateInternalTransfer(ctx, auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}, payments.InternalTransferInput{
		Common: payments.Common{AccountID: e.from, Amount: 100, IdempotencyKey: "s", ScheduledFor: &tomorrow}, TargetAccountCode: e.toCode})
	if err != nil || payments.Status(p.Status) != payments.StatusScheduled {
		t.Fatalf("%+v %v", p, err)
	}
	now := time.Now()
	if n, err := e.svc.ExecuteDue(ctx, now, 10, quiet); err != nil || n != 0 {
		t.Fatalf("claimed %d before its day: %v", n, err)
	}
	var due time.Time
	e.db.Raw(`SELECT due_at FROM payments WHERE id = ?`, p.ID).Scan(&due)
	if wait := due.Sub(now); wait < 13*time.Hour || wait > 15*time.Hour {
		t.Fatalf("due in %v, want at tomorrow's midnight in São Paulo (14 h after 10:00)", wait)
	}
	// The queue's clock says it is due, the calendar's that its day has not come: not run.
	if n, err := e.svc.ExecuteDue(ctx, due, 10, quiet); err != nil || n != 1 || e.status(t, p.ID) != payments.StatusScheduled {
		t.Fatalf("claimed %d: %v, %s", n, err, e.status(t, p.ID))
	}
	e.now = e.now.Add(14 * time.Hour) // the calendar's day comes
	var again time.Time
	e.db.Raw(`SELECT due_at FROM payments WHERE id = ?`, p.ID).Scan(&again)
	if n, err := e.svc.ExecuteDue(ctx, again, 10, quiet); err != nil || n != 1 || e.status(t, p.ID) != payments.StatusFinished {
		t.Fatalf("on its day: claimed %d: %v, %s", n, err, e.status(t, p.ID))
	}
	e.verify(t)
}

// Run wakes on each approval's commit and executes it, whichever of its loops runs the paying
// account (a wake-up reaches every loop); stopping it waits for the batch in flight.
func TestTheRunnerWakesOnApproval(t *testing.T) {
	e, b := batchEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, e.svc, payments.BatchConfig{Loops: 4, Poll: time.Hour, Log: quiet}) // only a wake-up can start a batch
	}()
	for round := range 8 {
		ids := e.approved(t, e.svc, fmt.Sprint("w", round), 2, 100)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
			finished := 0
			for _, id := range ids {
				if e.status(t, id) == payments.StatusFinished {
					finished++
				}
			}
			if finished == len(ids) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d of %d approved payments ran", round, finished, len(ids))
			}
		}
	}
	cancel()
	<-done
	e.verify(t)
}

// A batch reads its payments' bases at once: a payment whose consent ended since its approval
// (and slipped past the end hook) fails consent_ended in the batch, while another tenant's, whose
// consent holds, runs in the same commit.
func TestABatchChecksEachPaymentsConsent(t *testing.T) {
	e, _ := batchEnv(t)
	ctx := context.Background()
	ended, live := e.consentOnFrom(t), e.consentOnFrom(t)
	mk := func(c consented, key string) uuid.UUID {
		p, err := e.svc.CreateInternalTransfer(ctx, c.grant, payments.InternalTransferInput{
			Common: payments.Common{AccountID: e.from, Amount: 100, IdempotencyKey: key}, TargetAccountCode: e.toCode})
		if err != nil || payments.Status(p.Status) != payments.StatusCreated {
			t.Fatalf("%+v %v", p, err)
		}
		return p.ID
	}
	stopped, ran := mk(ended, "ended"), mk(live, "live")
	if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{stopped, ran}); err != nil {
		t.Fatal(err)
	}
	e.endConsent(t, ended, false)
	if n, err := e.svc.ExecuteDue(ctx, time.Now(), 10, quiet); err != nil || n != 2 {
		t.Fatalf("claimed %d: %v", n, err)
	}
	p, _ := e.svc.Get(ctx, stopped)
	if payments.Status(p.Status) != payments.StatusFailed || p.FailureReason == nil || *p.FailureReason != payments.ReasonConsentEnded {
		t.Fatalf("payment of the ended consent: %s %v", p.Status, p.FailureReason)
	}
	if e.status(t, ran) != payments.StatusFinished {
		t.Fatalf("payment of the live consent: %s", e.status(t, ran))
	}
	e.verify(t)
}
