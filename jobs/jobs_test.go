package jobs_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/jobs"
)

func TestJobInsertedInARolledBackTransactionNeverRuns(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	w := j.Watch(recordArgs{}.Kind())
	defer w.Close()
	start(t, j)

	errRollback := errors.New("the state change failed")
	err := e.db.Transaction(func(tx *gorm.DB) error {
		if err := j.InsertTx(context.Background(), tx, recordArgs{Key: "rolled-back"}, nil); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("transaction: %v", err)
	}
	// A job committed after it finishes first: had the rolled-back one existed, it was due earlier.
	e.insertCommitted(j, recordArgs{Key: "committed-after"})
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if key := argsKey(t, finished[0]); key != "committed-after" {
		t.Fatalf("first finished job is %q, want committed-after", key)
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE args->>'key' = 'rolled-back'"); n != 0 {
		t.Fatalf("rolled-back job left %d rows in river_job", n)
	}
	if runs := e.runs(); len(runs) != 1 {
		t.Fatalf("runs = %v, want only committed-after", runs)
	}
}

func TestJobInsertedInACommittedTransactionRunsExactlyOnce(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	w := j.Watch(recordArgs{}.Kind())
	defer w.Close()
	start(t, j)

	err := e.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("CREATE TABLE state_change (id int)").Error; err != nil { // the cause
			return err
		}
		if err := j.InsertTx(context.Background(), tx, recordArgs{Key: "once"}, nil); err != nil {
			return err
		}
		// Until commit, neither the change nor its job exists for anyone else.
		if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'test_record'"); n != 0 {
			t.Errorf("job visible before commit: %d rows", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := finished[0]; got.State != rivertype.JobStateCompleted || got.Attempt != 1 {
		t.Fatalf("job finished %s on attempt %d, want completed on 1", got.State, got.Attempt)
	}
	if runs := e.runs(); len(runs) != 1 || runs["once"] != "attempt 1 on replica-a" {
		t.Fatalf("runs = %v", runs)
	}
	if n := e.count("SELECT count(*) FROM job_attempts"); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

func TestJobThatFailsTwiceIsRetriedWithBackoffAndCompletes(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig("replica-a")
	var mu sync.Mutex
	var backoffs []int
	cfg.Backoff = func(n int) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		backoffs = append(backoffs, n)
		return 20 * time.Millisecond
	}
	j := e.replica(cfg)
	w := j.Watch()
	defer w.Close()
	start(t, j)

	e.insertCommitted(j, recordArgs{Key: "flaky", FailTimes: 2})
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	got := finished[0]
	if got.State != rivertype.JobStateCompleted || got.Attempt != 3 || len(got.Errors) != 2 {
		t.Fatalf("job finished %s on attempt %d with %d errors, want completed on 3 with 2", got.State, got.Attempt, len(got.Errors))
	}
	if got.Errors[0].Error != "planned failure 1 of 2" {
		t.Errorf("first error = %q", got.Errors[0].Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(backoffs, []int{1, 2}) {
		t.Errorf("backoff asked for failures %v, want [1 2]", backoffs)
	}
	if n := e.count("SELECT count(*) FROM job_attempts WHERE key = 'flaky'"); n != 3 {
		t.Errorf("%d attempts recorded, want 3", n)
	}
	if runs := e.runs(); runs["flaky"] != "attempt 3 on replica-a" {
		t.Errorf("runs = %v", runs)
	}
}

func TestJobInsertedWhileNoReplicaRunsIsDoneOnceByANewReplica(t *testing.T) {
	e := newEnv(t)
	a := e.replica(testConfig("replica-a"))
	start(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	e.insertCommitted(a, recordArgs{Key: "durable"}) // a stopped replica still inserts

	b := e.replica(testConfig("replica-b"))
	w := b.Watch()
	defer w.Close()
	start(t, b)
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := finished[0]; got.State != rivertype.JobStateCompleted || !slices.Equal(got.AttemptedBy, []string{"replica-b"}) {
		t.Fatalf("job %s, attempted by %v", got.State, got.AttemptedBy)
	}
	if runs := e.runs(); len(runs) != 1 || runs["durable"] != "attempt 1 on replica-b" {
		t.Fatalf("runs = %v", runs)
	}
}

// blockArgs is a job that blocks until its context ends.
type blockArgs struct {
	Key string `json:"key"`
}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started chan<- int64
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started <- job.ID
	<-ctx.Done()
	return ctx.Err()
}

// doneWorker completes blockArgs jobs, recording each run like recordWorker.
type doneWorker struct {
	river.WorkerDefaults[blockArgs]
	record *recordWorker
}

func (w *doneWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	return w.record.insert(ctx, "job_runs", &river.Job[recordArgs]{JobRow: job.JobRow, Args: recordArgs{Key: job.Args.Key}})
}

func TestStopCancelsAJobThatOutlivesItAndANewReplicaFinishesItOnce(t *testing.T) {
	e := newEnv(t)
	a := e.replica(testConfig("replica-a"))
	started := make(chan int64, 1)
	if err := jobs.AddWorker(a, &blockWorker{started: started}); err != nil {
		t.Fatal(err)
	}
	start(t, a)
	e.insertCommitted(a, blockArgs{Key: "interrupted"})
	select {
	case <-started:
	case <-time.After(waitLimit):
		t.Fatal("job never started")
	}

	stopCtx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := a.Stop(stopCtx); err != nil { // graceful time runs out, then the job is cancelled
		t.Fatal(err)
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'test_block' AND state IN ('available', 'retryable')"); n != 1 {
		t.Fatalf("the interrupted job was not released: %d available", n)
	}

	b := e.replica(testConfig("replica-b"))
	if err := jobs.AddWorker(b, &doneWorker{record: &recordWorker{pool: e.pool, replica: "replica-b", dupes: &e.dupes}}); err != nil {
		t.Fatal(err)
	}
	w := b.Watch(blockArgs{}.Kind())
	defer w.Close()
	start(t, b)
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := finished[0]; got.State != rivertype.JobStateCompleted || got.Attempt != 2 {
		t.Fatalf("job %s on attempt %d, want completed on 2", got.State, got.Attempt)
	}
	if runs := e.runs(); len(runs) != 1 || runs["interrupted"] != "attempt 2 on replica-b" {
		t.Fatalf("runs = %v", runs)
	}
}

func TestTwoReplicasWorkTwoHundredJobsWithoutDuplicates(t *testing.T) {
	e := newEnv(t)
	a, b := e.replica(testConfig("replica-a")), e.replica(testConfig("replica-b"))
	wa, wb := a.Watch(), b.Watch()
	defer wa.Close()
	defer wb.Close()
	start(t, a)
	start(t, b)

	const total = 200
	for batch := range 4 { // a few transactions, inserted through either replica
		via := a
		if batch%2 == 1 {
			via = b
		}
		args := make([]river.JobArgs, 0, total/4)
		for i := range total / 4 {
			args = append(args, recordArgs{Key: keyOf(batch*total/4 + i)})
		}
		e.insertCommitted(via, args...)
	}

	ctx := waitCtx(t)
	perReplica := map[string]int{}
	for n := 0; n < total; n++ {
		var row *rivertype.JobRow
		select {
		case row = <-wa.Finished():
		case row = <-wb.Finished():
		case <-ctx.Done():
			t.Fatalf("%d of %d jobs finished", n, total)
		}
		if row == nil {
			t.Fatal("a replica stopped")
		}
		if row.State != rivertype.JobStateCompleted || row.Attempt != 1 {
			t.Fatalf("job %d: %s on attempt %d", row.ID, row.State, row.Attempt)
		}
		perReplica[row.AttemptedBy[0]]++
	}
	t.Logf("jobs per replica: %v", perReplica)
	if runs := e.runs(); len(runs) != total {
		t.Fatalf("%d distinct runs, want %d", len(runs), total)
	}
	if n := e.count("SELECT count(*) FROM job_attempts"); n != total {
		t.Fatalf("%d executions for %d jobs", n, total)
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'test_record' AND state = 'completed' AND attempt = 1"); n != total {
		t.Fatalf("%d jobs completed on their first attempt, want %d", n, total)
	}
}

func TestPeriodicJobIsInsertedByTheLeader(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	err := j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return recordArgs{Key: "sweep"}, nil
	}, &river.PeriodicJobOpts{ID: "test_sweep", RunOnStart: true}))
	if err != nil {
		t.Fatal(err)
	}
	w := j.Watch(recordArgs{}.Kind())
	defer w.Close()
	start(t, j)
	if _, err := w.Next(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	if runs := e.runs(); runs["sweep"] != "attempt 1 on replica-a" {
		t.Fatalf("runs = %v", runs)
	}
}

func TestInsertTxRefusesAConnectionOutsideATransaction(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	err := j.InsertTx(context.Background(), e.db, recordArgs{Key: "autocommit"}, nil)
	if !errors.Is(err, jobs.ErrNotInTransaction) {
		t.Fatalf("err = %v, want ErrNotInTransaction", err)
	}
	if n := e.count("SELECT count(*) FROM river_job"); n != 0 {
		t.Fatalf("%d jobs inserted", n)
	}
}

func TestInsertTxRefusesAKindWithNoWorker(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	err := e.db.Transaction(func(tx *gorm.DB) error {
		return j.InsertTx(context.Background(), tx, blockArgs{Key: "nobody works me"}, nil)
	})
	if err == nil {
		t.Fatal("inserted a job no worker can run")
	}
}

func TestWorkersAndPeriodicJobsAreAddedBeforeStart(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	if err := jobs.AddWorker(j, &recordWorker{}); err == nil {
		t.Error("registered a second worker for one kind")
	}
	start(t, j)
	if err := jobs.AddWorker(j, &blockWorker{}); err == nil {
		t.Error("AddWorker after Start succeeded")
	}
	periodic := river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return jobs.PingArgs{}, nil
	}, nil)
	if err := j.AddPeriodic(periodic); err == nil {
		t.Error("AddPeriodic after Start succeeded")
	}
	if err := j.Start(context.Background()); err == nil {
		t.Error("started twice")
	}
}

func TestAReplicaWithNoDomainWorkersStartsAndPings(t *testing.T) {
	db, dsn := testdb.Open(t)
	sqlDB, _ := db.DB()
	j, err := jobs.New(context.Background(), newPool(t, dsn), sqlDB, testConfig("replica-a"))
	if err != nil {
		t.Fatal(err)
	}
	w := j.Watch()
	defer w.Close()
	start(t, j)
	defer j.Stop(context.Background()) //nolint:errcheck
	if err := db.Transaction(func(tx *gorm.DB) error {
		return j.InsertTx(context.Background(), tx, jobs.PingArgs{}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	finished, err := w.Next(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if finished[0].Kind != "ponte.ping" || finished[0].State != rivertype.JobStateCompleted {
		t.Fatalf("finished %s %s", finished[0].Kind, finished[0].State)
	}
}

// uniqueArgs is unique by its args while it waits, as payments' execution jobs are.
type uniqueArgs struct {
	PaymentID string `json:"payment_id"`
}

func (uniqueArgs) Kind() string { return "test_unique" }

func (uniqueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "unworked", UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type uniqueWorker struct {
	river.WorkerDefaults[uniqueArgs]
}

func (uniqueWorker) Work(context.Context, *river.Job[uniqueArgs]) error { return nil }

func TestUniqueJobInsertedTwiceThroughGormIsOneJob(t *testing.T) {
	e := newEnv(t)
	j := e.replica(testConfig("replica-a"))
	if err := jobs.AddWorker(j, uniqueWorker{}); err != nil {
		t.Fatal(err)
	}
	e.insertCommitted(j, uniqueArgs{PaymentID: "p-1"})
	e.insertCommitted(j, uniqueArgs{PaymentID: "p-1"}, uniqueArgs{PaymentID: "p-2"})
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'test_unique'"); n != 2 {
		t.Fatalf("%d jobs for two payments", n)
	}
}

// TestSweepRunsOneAtATimeAcrossReplicas adds the same slow sweep on two replicas with an
// interval shorter than one run: the leader inserts it on schedule, either replica works it, and
// two runs never overlap.
func TestSweepRunsOneAtATimeAcrossReplicas(t *testing.T) {
	e := newEnv(t)
	var running, overlaps, runs atomic.Int64
	sweep := func(ctx context.Context) (int, error) {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		select {
		case <-time.After(150 * time.Millisecond):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return int(runs.Add(1)), nil
	}
	a, b := e.replica(testConfig("replica-a")), e.replica(testConfig("replica-b"))
	for _, j := range []*jobs.Jobs{a, b} {
		if err := j.AddSweep("slow", 20*time.Millisecond, sweep); err != nil {
			t.Fatal(err)
		}
		if err := j.AddSweep("slow", time.Second, sweep); err == nil {
			t.Fatal("added one sweep name twice")
		}
		if err := j.AddSweep("never", 0, func(context.Context) (int, error) { t.Error("a sweep with no interval ran"); return 0, nil }); err != nil {
			t.Fatal(err)
		}
	}
	start(t, a)
	start(t, b)
	if err := a.AddSweep("late", time.Second, sweep); err == nil {
		t.Error("AddSweep after Start succeeded")
	}
	ctx := waitCtx(t)
	for runs.Load() < 4 {
		select {
		case <-ctx.Done():
			t.Fatalf("%d sweep runs before the deadline, want 4", runs.Load())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if n := overlaps.Load(); n > 0 {
		t.Fatalf("%d sweep runs overlapped another", n)
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'ponte.sweep' AND state NOT IN ('completed', 'running', 'available')"); n != 0 {
		t.Fatalf("%d sweep jobs neither completed, running nor available", n)
	}
}
