package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/jobs"
)

// waitLimit bounds every wait on background work; a healthy run takes milliseconds.
const waitLimit = 30 * time.Second

// recordArgs is the test job: it records each attempt and, once it has failed FailTimes times, its
// one successful run. Both tables have unique keys, so a second execution of the same attempt or
// a second success cannot go unnoticed.
type recordArgs struct {
	Key       string `json:"key"`
	FailTimes int    `json:"fail_times,omitempty"`
}

func (recordArgs) Kind() string { return "test_record" }

type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	pool    *pgxpool.Pool
	replica string
	dupes   *atomic.Int64
}

func (w *recordWorker) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	if err := w.insert(ctx, "job_attempts", job); err != nil {
		return err
	}
	if job.Attempt <= job.Args.FailTimes {
		return fmt.Errorf("planned failure %d of %d", job.Attempt, job.Args.FailTimes)
	}
	return w.insert(ctx, "job_runs", job)
}

func (w *recordWorker) insert(ctx context.Context, table string, job *river.Job[recordArgs]) error {
	_, err := w.pool.Exec(ctx, "INSERT INTO "+table+" (key, attempt, replica) VALUES ($1, $2, $3)", job.Args.Key, job.Attempt, w.replica)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		w.dupes.Add(1)
	}
	return err
}

// env is one test database with the recording tables.
type env struct {
	t     *testing.T
	db    *gorm.DB
	dsn   string
	pool  *pgxpool.Pool // the test's own, for assertions
	dupes atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, dsn := testdb.Open(t)
	e := &env{t: t, db: db, dsn: dsn, pool: newPool(t, dsn)}
	for _, ddl := range []string{
		"CREATE TABLE job_runs (key text PRIMARY KEY, attempt int NOT NULL, replica text NOT NULL)",
		"CREATE TABLE job_attempts (key text NOT NULL, attempt int NOT NULL, replica text NOT NULL, PRIMARY KEY (key, attempt))",
	} {
		if err := db.Exec(ddl).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if n := e.dupes.Load(); n > 0 {
			t.Errorf("%d duplicate executions", n)
		}
	})
	return e
}

func newPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// testConfig polls often and retries after 10ms, so that nothing in a test waits on River's
// production timings.
func testConfig(replica string) jobs.Config {
	return jobs.Config{
		ID:           replica,
		Queues:       map[string]int{jobs.QueueDefault: 10},
		PollInterval: 50 * time.Millisecond,
		Backoff:      func(int) time.Duration { return 10 * time.Millisecond },
		Logger:       testLogger(),
	}
}

// testLogger discards River's logs unless JOBS_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("JOBS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// replica builds a Jobs on its own pool, as another Ponte process would, with the record worker
// registered; it is stopped when the test ends. It is not started.
func (e *env) replica(cfg jobs.Config) *jobs.Jobs {
	e.t.Helper()
	sqlDB, err := e.db.DB()
	if err != nil {
		e.t.Fatal(err)
	}
	j, err := jobs.New(context.Background(), newPool(e.t, e.dsn), sqlDB, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := jobs.AddWorker(j, &recordWorker{pool: e.pool, replica: cfg.ID, dupes: &e.dupes}); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := j.Stop(ctx); err != nil {
			e.t.Errorf("stop %s: %v", cfg.ID, err)
		}
	})
	return j
}

func start(t *testing.T, j *jobs.Jobs) {
	t.Helper()
	if err := j.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// insertCommitted inserts args in one committed gorm transaction.
func (e *env) insertCommitted(j *jobs.Jobs, args ...river.JobArgs) {
	e.t.Helper()
	err := e.db.Transaction(func(tx *gorm.DB) error {
		for _, a := range args {
			if err := j.InsertTx(context.Background(), tx, a, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// runs is key → the attempt that succeeded and the replica that ran it.
func (e *env) runs() map[string]string {
	e.t.Helper()
	rows, err := e.pool.Query(context.Background(), "SELECT key, attempt, replica FROM job_runs")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, replica string
		var attempt int
		if err := rows.Scan(&key, &attempt, &replica); err != nil {
			e.t.Fatal(err)
		}
		out[key] = fmt.Sprintf("attempt %d on %s", attempt, replica)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func keyOf(i int) string { return fmt.Sprintf("job-%03d", i) }

// argsKey is the key of a finished recordArgs job.
func argsKey(t *testing.T, row *rivertype.JobRow) string {
	t.Helper()
	var args recordArgs
	if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
		t.Fatal(err)
	}
	return args.Key
}
