// Package jobs is Ponte's durable background work: settlement, expiry, payrolls and
// webhook delivery run as River jobs (github.com/riverqueue/river) in Ponte's own PostgreSQL (the
// payments that wait run in batches from their own table instead: payments.Batches).
//
// A job is inserted with InsertTx in the same gorm transaction as the state change that causes it,
// so a committed change always has its job and a rolled-back one never does. Inserts go through
// River's database/sql driver on that transaction; the jobs are worked by a second River client on
// a pgx pool (River's pgx driver), which also LISTENs for inserts so that jobs start at once. In
// the server both are the same pool: gorm's *sql.DB is a view of it (database.OnPool).
//
// Every replica runs the same Jobs. Replicas fetch jobs with SELECT ... FOR UPDATE SKIP LOCKED, so
// a job is worked by one replica at a time. River's leader election picks one replica to run the
// periodic jobs and the maintenance: rescuing jobs whose replica died mid-run (after RescueAfter),
// moving retries and scheduled jobs to available, and deleting finished jobs after a retention
// period. Nothing else needs coordinating across replicas.
//
// A job runs at least once: a worker must be idempotent (key its effects by the job's args, e.g.
// a payment id), because a replica that dies after the effect but before recording completion
// hands the job to another replica.
//
// Domain packages register their background work before Start, each in one Register function
// that the server calls: workers (AddWorker), periodic jobs (AddPeriodic) and sweeps (AddSweep,
// periodic upkeep such as expiring consents, run on the leader one at a time). River's tables come from migrations/00004_river.sql (see jobs/internal/rivermigration).
// This package knows nothing of the domain, and never opens transactions of its own for callers.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/ponte-bff/ponte/observe"
)

// QueueDefault is the queue a job goes to unless its InsertOpts name another.
const QueueDefault = river.QueueDefault

// Config tunes Jobs. The zero value is River's defaults with one queue, "default", of 10 workers.
type Config struct {
	// Queues maps each queue this replica works to how many of its jobs it runs at once (1 to
	// 10,000). Default: {"default": 10}. A job inserted to a queue no replica works waits.
	Queues map[string]int
	// MaxAttempts is how many times a job is tried before it is discarded. Default 25. A job's
	// InsertOpts or its args' InsertOpts may override it.
	MaxAttempts int
	// Backoff is the delay before the next try after a job's nth failure (n counts from 1). Default:
	// River's, n⁴ seconds with ±10% jitter (1s, 16s, 81s, ... about three weeks in all for 25 tries).
	Backoff func(n int) time.Duration
	// JobTimeout cancels a job's context after this long. Default 1 minute; -1: never. Workers may
	// override it with a Timeout method.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before the leader takes it for dead (its
	// replica crashed) and retries it. Default 1 hour (JobTimeout+1h if JobTimeout is longer). It
	// must not be shorter than JobTimeout.
	RescueAfter time.Duration
	// PollInterval is how often a replica looks for jobs when no insert notification arrives.
	// Default 1s.
	PollInterval time.Duration
	// FetchCooldown is the shortest time between two fetches of one queue. A queue runs at most
	// its workers' count of jobs per cooldown when jobs arrive one by one (10 workers and River's
	// default 100 ms cap it at 100 jobs/s), so a queue of short jobs wants it short. Default:
	// River's 100 ms, and never longer than PollInterval.
	FetchCooldown time.Duration
	// CancelWait is how long Stop waits, once its context is done, for the jobs whose contexts it
	// cancelled to return. Default 5s.
	CancelWait time.Duration
	// PeriodicJobs are inserted on their schedules by the leader. Domain packages can also add
	// theirs with AddPeriodic.
	PeriodicJobs []*river.PeriodicJob
	// ID names this replica in River's tables (attempted_by, leader). Default: host name and start
	// time.
	ID string
	// Logger receives River's logs. Default slog.Default().
	Logger *slog.Logger
}

// Jobs inserts and works Ponte's background jobs. Build it with New, register workers and periodic
// jobs, then Start; Stop before the database pool closes.
type Jobs struct {
	cfg      Config
	log      *slog.Logger
	workers  *river.Workers
	worker   *river.Client[pgx.Tx]  // works jobs, takes part in leader election
	inserter *river.Client[*sql.Tx] // inserts inside callers' gorm transactions; never works jobs

	mu      sync.Mutex
	started bool
	sweeps  map[string]SweepFunc // by name, for the sweep worker
}

// New builds Jobs over pool (working, LISTEN/NOTIFY, leader election) and sqlDB (gorm's
// *sql.DB, for inserting in gorm transactions); both must reach the same database and
// search_path (in the server, sqlDB is built on pool). It checks that River's tables exist; it
// starts nothing.
func New(ctx context.Context, pool *pgxpool.Pool, sqlDB *sql.DB, cfg Config) (*Jobs, error) {
	if pool == nil || sqlDB == nil {
		return nil, errors.New("jobs: New needs both a pgx pool and a *sql.DB")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// River's per-queue job counts and routine maintenance reports are debug lines.
	cfg.Logger = slog.New(observe.QuietRiver(cfg.Logger.Handler()))
	if len(cfg.Queues) == 0 {
		cfg.Queues = map[string]int{QueueDefault: 10}
	}
	if cfg.CancelWait <= 0 {
		cfg.CancelWait = 5 * time.Second
	}
	var migrated bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('river_job') IS NOT NULL").Scan(&migrated); err != nil {
		return nil, fmt.Errorf("jobs: look for River's tables: %w", err)
	}
	if !migrated {
		return nil, errors.New("jobs: River's tables are missing: apply the migrations (migrations/00004_river.sql) first")
	}

	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, pingWorker{}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	queues := make(map[string]river.QueueConfig, len(cfg.Queues))
	for name, n := range cfg.Queues {
		queues[name] = river.QueueConfig{MaxWorkers: n}
	}
	workerCfg := &river.Config{
		ID:                   cfg.ID,
		Logger:               cfg.Logger,
		Queues:               queues,
		Workers:              workers,
		MaxAttempts:          cfg.MaxAttempts,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		PeriodicJobs:         cfg.PeriodicJobs,
		FetchPollInterval:    cfg.PollInterval,
		// Each job's span continues the trace that inserted it; its wait and duration are measured.
		Middleware: []rivertype.Middleware{&observe.RiverMiddleware{}},
	}
	workerCfg.FetchCooldown = cfg.FetchCooldown
	if cfg.PollInterval > 0 && cmp.Or(cfg.FetchCooldown, river.FetchCooldownDefault) > cfg.PollInterval {
		workerCfg.FetchCooldown = cfg.PollInterval // River requires cooldown <= poll interval
	}
	if cfg.Backoff != nil {
		workerCfg.RetryPolicy = backoffPolicy(cfg.Backoff)
	}
	worker, err := river.NewClient(riverpgxv5.New(pool), workerCfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: worker client: %w", err)
	}
	// The inserter shares the registry, so inserting a kind nobody works fails at once, and the
	// attempts default, which River applies when the job is inserted; and the cooldown, which
	// spaces its insert notifications (at most one per queue per cooldown).
	inserter, err := river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{
		ID:            cfg.ID,
		Logger:        cfg.Logger,
		Workers:       workers,
		MaxAttempts:   cfg.MaxAttempts,
		FetchCooldown: workerCfg.FetchCooldown,
		Middleware:    []rivertype.Middleware{&observe.RiverMiddleware{}}, // a job carries its inserter's trace
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: insert client: %w", err)
	}
	j := &Jobs{cfg: cfg, log: cfg.Logger, workers: workers, worker: worker, inserter: inserter, sweeps: map[string]SweepFunc{}}
	if err := river.AddWorkerSafely(workers, &sweepWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return j, nil
}

// Workers is River's worker registry, for river.AddWorker(j.Workers(), w) before Start. AddWorker
// is the same with an error instead of a panic and a check that Jobs has not started: the
// registry is not safe to change while jobs run.
func (j *Jobs) Workers() *river.Workers { return j.workers }

// AddWorker registers w for its job kind. It fails for a kind already registered and once j has
// started.
func AddWorker[T river.JobArgs](j *Jobs, w river.Worker[T]) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.started {
		var args T
		return fmt.Errorf("jobs: worker for %q added after Start", args.Kind())
	}
	if err := river.AddWorkerSafely(j.workers, w); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// AddPeriodic schedules job on the leader replica. Its kind's worker must be registered too.
func (j *Jobs) AddPeriodic(job *river.PeriodicJob) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.started {
		return errors.New("jobs: periodic job added after Start")
	}
	if _, err := j.worker.PeriodicJobs().AddSafely(job); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// Start begins working jobs in the background and joining leader election. ctx only carries
// values: jobs stop with Stop, not when ctx ends, so that a shutdown signal drains them gracefully.
// A Jobs starts once; it is not restarted after Stop.
func (j *Jobs) Start(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.started {
		return errors.New("jobs: Start called twice")
	}
	if err := j.worker.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	j.started = true
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish until ctx is done. Then it
// cancels their contexts and waits up to Config.CancelWait for them to return: a job cancelled
// this way fails this attempt and is retried (after its backoff) by whichever replica runs next. A
// job that ignores its context stays running in the database and is rescued after RescueAfter;
// Stop then returns an error. Stop is a no-op when j never started.
func (j *Jobs) Stop(ctx context.Context) error {
	j.mu.Lock()
	started := j.started
	j.mu.Unlock()
	if !started {
		return nil
	}
	err := j.worker.Stop(ctx)
	if err == nil {
		return nil
	}
	j.log.Warn("jobs: graceful stop timed out; cancelling running jobs", "err", err)
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), j.cfg.CancelWait)
	defer cancel()
	if err := j.worker.StopAndCancel(cancelCtx); err != nil {
		return fmt.Errorf("jobs: stop: running jobs did not return after cancellation: %w", err)
	}
	return nil
}
