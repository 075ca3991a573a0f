package webhooks

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/jobs"
)

// Queue is the River queue of webhook deliveries, apart from payments so that a slow endpoint
// never delays a payment. Every replica must work it (jobs.Config.Queues).
const Queue = "webhooks"

// Config tunes the service. The zero value is production's: https only, public addresses only,
// DefaultMaxAttempts tries DefaultBackoff apart.
type Config struct {
	// Development also accepts http:// URLs to localhost, 127.0.0.1 and [::1], and lets deliveries
	// reach loopback and private addresses. Never in production: it opens Ponte's network to
	// tenants (SSRF).
	Development bool
	// Queue is the River queue of delivery jobs. Default Queue.
	Queue string
	// DispatchQueue is the River queue of the periodic dispatch job: not Queue, so that deliveries
	// waiting on slow endpoints never hold dispatch up. Default jobs.QueueDefault.
	DispatchQueue string
	// MaxAttempts is how many times a delivery is tried before it is FAILED. Default
	// DefaultMaxAttempts.
	MaxAttempts int
	// Backoff is the wait after the nth failed attempt (n from 1). Default DefaultBackoff.
	Backoff func(n int) time.Duration
	// DispatchInterval is how often the leader schedules a dispatch. Default 1 s.
	DispatchInterval time.Duration
	// BatchSize is how many events one dispatch transaction takes. Default 100: the transaction
	// holds back every reader of the event log (events.ReadAfter reads below the oldest running
	// transaction), so it is kept short.
	BatchSize int
	// Timeout bounds one HTTP attempt, from dialing to the end of the answer. Default 10 s. A
	// delivery job runs at most Timeout + 4 s: keep jobs.Config.RescueAfter above that.
	Timeout time.Duration
	// Client sends the webhooks. Default: a client with Timeout that follows no redirect and, unless
	// Development, refuses to connect to loopback, private, link-local and other non-public
	// addresses (checked on the resolved address, so DNS cannot be used to get around it).
	Client *http.Client
	// Logger gets dispatch and delivery failures. Default slog.Default().
	Logger *slog.Logger

	// Env is the env claim of STONE-format webhooks: "sandbox" or "production". Default sandbox.
	Env string
	// PublicURL is where Ponte is reached, for the URIs in STONE-format webhooks.
	PublicURL string
	// KeySecret seals Ponte's webhook signing keys in the database (AES-256-GCM under a key
	// derived from it). Changing it makes the stored keys unusable: rotate first. Required in
	// production (PONTE_WEBHOOK_KEY_SECRET).
	KeySecret []byte
	// KeyOverlap is how long a rotated-out signing key stays published. Default DefaultKeyOverlap.
	KeyOverlap time.Duration
}

// InsertTxFunc inserts a River job inside a gorm transaction: (*jobs.Jobs).InsertTx.
type InsertTxFunc func(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error

// Service manages tenants' endpoints, dispatches events to them and delivers the webhooks.
type Service struct {
	db     *gorm.DB
	insert InsertTxFunc
	cfg    Config
	client *http.Client
	log    *slog.Logger
	keys   keyCache
}

// New returns a Service on db that inserts its jobs with insert. Register its workers before the
// jobs start.
func New(db *gorm.DB, insert InsertTxFunc, cfg Config) *Service {
	if cfg.Queue == "" {
		cfg.Queue = Queue
	}
	if cfg.DispatchQueue == "" {
		cfg.DispatchQueue = jobs.QueueDefault
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.DispatchInterval <= 0 {
		cfg.DispatchInterval = time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Env == "" {
		cfg.Env = "sandbox"
	}
	if cfg.KeyOverlap <= 0 {
		cfg.KeyOverlap = DefaultKeyOverlap
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	client := cfg.Client
	if client == nil {
		client = newClient(cfg.Timeout, cfg.Development)
	}
	return &Service{db: db, insert: insert, cfg: cfg, client: client, log: cfg.Logger}
}

// Register adds the dispatch and delivery workers and the periodic dispatch to j. Call it once
// per replica, before j.Start, and make every replica work cfg.Queue and cfg.DispatchQueue.
func (s *Service) Register(j *jobs.Jobs) error {
	if err := jobs.AddWorker(j, &dispatchWorker{s: s}); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	if err := jobs.AddWorker(j, &deliverWorker{s: s}); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	periodic := river.NewPeriodicJob(river.PeriodicInterval(s.cfg.DispatchInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			opts := s.dispatchOpts()
			return DispatchArgs{}, &opts
		}, &river.PeriodicJobOpts{ID: DispatchArgs{}.Kind(), RunOnStart: true})
	if err := j.AddPeriodic(periodic); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	return nil
}

func (s *Service) now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
