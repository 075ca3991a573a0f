package jobs_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the helper process

	"github.com/ponte-bff/ponte/jobs"
)

const helperDSN = "JOBS_TEST_HELPER_DSN"

// TestJobOfAKilledReplicaIsRescuedAndDoneOnceByANewReplica kills (SIGKILL) a replica process while
// it works a job, as a crash would: the job stays running in the database, attempted by a replica
// that no longer exists. A new replica becomes leader once the dead one's lease expires, rescues
// the job after RescueAfter and works it, once.
func TestJobOfAKilledReplicaIsRescuedAndDoneOnceByANewReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the killed replica's leadership to expire (up to about 20s)")
	}
	e := newEnv(t)
	inserter := e.replica(testConfig("inserter")) // never started: inserts only
	if err := jobs.AddWorker(inserter, &doneWorker{}); err != nil {
		t.Fatal(err)
	}
	e.insertCommitted(inserter, blockArgs{Key: "crash"})

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReplicaKilledMidRun$", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), helperDSN+"="+e.dsn)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	started := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "started ") {
				started <- line
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(waitLimit):
		t.Fatal("the helper replica never started the job")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'test_block' AND state = 'running'"); n != 1 {
		t.Fatalf("%d running jobs after the crash, want 1", n)
	}

	cfg := testConfig("replica-b")
	cfg.JobTimeout, cfg.RescueAfter = time.Second, 2*time.Second
	b := e.replica(cfg)
	if err := jobs.AddWorker(b, &doneWorker{record: &recordWorker{pool: e.pool, replica: "replica-b", dupes: &e.dupes}}); err != nil {
		t.Fatal(err)
	}
	w := b.Watch(blockArgs{}.Kind())
	defer w.Close()
	start(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	finished, err := w.Next(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := finished[0]
	if got.State != "completed" || got.Attempt != 2 || !slices.Equal(got.AttemptedBy, []string{"replica-killed", "replica-b"}) {
		t.Fatalf("job %s on attempt %d by %v", got.State, got.Attempt, got.AttemptedBy)
	}
	if runs := e.runs(); len(runs) != 1 || runs["crash"] != "attempt 2 on replica-b" {
		t.Fatalf("runs = %v", runs)
	}
}

// TestHelperReplicaKilledMidRun is not a test on its own: it is the replica process that
// TestJobOfAKilledReplicaIsRescuedAndDoneOnceByANewReplica starts and kills.
func TestHelperReplicaKilledMidRun(t *testing.T) {
	dsn := os.Getenv(helperDSN)
	if dsn == "" {
		t.Skip("helper process, run by TestJobOfAKilledReplicaIsRescuedAndDoneOnceByANewReplica")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig("replica-killed")
	cfg.JobTimeout = -1
	j, err := jobs.New(ctx, pool, sqlDB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	startedJob := make(chan int64, 1)
	if err := jobs.AddWorker(j, &blockWorker{started: startedJob}); err != nil {
		t.Fatal(err)
	}
	if err := j.Start(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("started %d\n", <-startedJob)
	time.Sleep(time.Hour) // until killed; -test.timeout ends an orphan
}
