package main

import (
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/gqlserver"
	"github.com/ponte-bff/ponte/jobs"
	"github.com/ponte-bff/ponte/money"
	"github.com/ponte-bff/ponte/throttle"
	"github.com/ponte-bff/ponte/webhooks"
)

// config is everything Ponte reads from its environment. The README's configuration table lists
// the same variables; keep the two in step. Its methods below turn it into each package's Config.
type config struct {
	Env               string // development | sandbox | production
	Host              string
	Port              int
	DatabaseURL       string
	DBMaxOpen         int // the one pool's size: gorm, River and the event hub share it
	DBConnLifetime    time.Duration
	PaymentWorkers    int           // payment jobs run at once by this replica, each holding one connection
	PaymentBatch      int           // waiting payments executed in one transaction
	PaymentBatches    int           // such transactions run at once by this replica, each holding one connection
	JobFetch          time.Duration // shortest time between two fetches of one job queue (River's FetchCooldown)
	JobPoll           time.Duration // how often a queue looks for jobs when no insert notification came
	OIDCIssuer        string        // "" in development: serve the embedded development provider
	OIDCAudience      string
	OIDCClientID      string // Ponte's own client, for holders' logins on its pages
	OIDCSecret        string
	PublicURL         string // where browsers reach Ponte; default http://localhost:$PORT
	SweepInterval     time.Duration
	ReceiptKey        []byte        // signs receipts' authentication codes
	Fees              payments.Fees // fee per payment kind
	ApprovalTTL       time.Duration
	RailDelay         time.Duration   // sandbox rail: how long until a TED or barcode payment is answered
	BoletoRegistry    time.Duration   // how long the boleto registry takes to answer an issuance or a cancellation
	TEDWindow         payments.Window // São Paulo hours when TEDs run on business days
	DevTokenTTL       time.Duration   // lifetime of the development provider's access tokens
	WebhookBackoff    time.Duration   // wait after a webhook's first failed attempt; doubles each time
	WebhookKeySecret  []byte          // seals Ponte's webhook signing keys (STONE format) in the database
	WebhookKeyOverlap time.Duration   // how long a rotated-out webhook signing key stays published
	DocumentClaim     string
	RolesClaim        string
	OperatorRole      string
	DefaultPlan       string
	BranchCode        string
	MaxComplexity     int
	MaxDepth          int
	MaxBodyBytes      int64
	AllowedOrigins    []string
	ShutdownTimeout   time.Duration
	DrainGrace        time.Duration // after a stop signal: /readyz fails, requests still served this long
	LogText           bool          // text logs (development's default) instead of JSON
	LogLevel          slog.Level
	MetricsAddr       string // "": /metrics on the public port; else its own listener (host:port)
	// PersistedOperations is the allow-list of operations (PONTE_PERSISTED_OPERATIONS, an Apollo
	// persisted query manifest); nil: every operation runs.
	PersistedOperations gqlserver.PersistedOperations
	Throttle            throttle.Limits // a tenant's bucket unless its registration says otherwise; holders' and operators'
	// ThrottleClock is the buckets' clock: nil, the system's. Tests set it; no variable does.
	ThrottleClock func() time.Time
}

// Default buckets: in development and sandbox large enough that nobody trying Ponte out (or its
// test suite) is ever throttled; in production room for the costliest operation
// (GRAPHQL_MAX_COMPLEXITY's default) a few times over, restoring one such operation every 5 s.
var (
	devThrottle  = throttle.Limits{Capacity: throttle.MaxLimit, RestoreRate: throttle.MaxLimit}
	prodThrottle = throttle.Limits{Capacity: 20_000, RestoreRate: 1_000}
)

const (
	envDevelopment = "development"
	envSandbox     = "sandbox"
	envProduction  = "production"
)

func loadConfig(getenv func(string) string) (config, error) {
	e := envReader{getenv: getenv}
	c := config{
		Env:               e.str("PONTE_ENV", envDevelopment),
		Port:              e.int("PORT", 8080),
		DatabaseURL:       e.str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ponte?sslmode=disable"),
		DBMaxOpen:         e.int("DB_MAX_OPEN_CONNS", 30),
		DBConnLifetime:    e.duration("DB_CONN_MAX_LIFETIME", 30*time.Minute),
		JobFetch:          e.duration("PONTE_JOB_FETCH_COOLDOWN", 5*time.Millisecond),
		JobPoll:           e.duration("PONTE_JOB_POLL_INTERVAL", time.Second),
		OIDCIssuer:        strings.TrimSuffix(e.str("OIDC_ISSUER", ""), "/"),
		OIDCAudience:      e.str("OIDC_AUDIENCE", "ponte"),
		OIDCClientID:      e.str("OIDC_CLIENT_ID", "ponte"),
		OIDCSecret:        e.str("OIDC_CLIENT_SECRET", ""),
		PublicURL:         strings.TrimSuffix(e.str("PUBLIC_URL", ""), "/"),
		SweepInterval:     e.duration("PONTE_SWEEP_INTERVAL", 30*time.Second),
		ReceiptKey:        []byte(e.str("PONTE_RECEIPT_KEY", "")),
		Fees:              e.fees("PONTE_FEES", payments.DefaultFees),
		ApprovalTTL:       e.duration("PONTE_APPROVAL_TTL", 7*24*time.Hour),
		RailDelay:         e.duration("PONTE_SANDBOX_RAIL_DELAY", 2*time.Second),
		BoletoRegistry:    e.duration("PONTE_BOLETO_REGISTRY_DELAY", 3*time.Second),
		TEDWindow:         e.window("PONTE_TED_WINDOW", payments.DefaultCalendar.TEDWindow),
		DevTokenTTL:       e.duration("PONTE_DEV_TOKEN_TTL", 15*time.Minute),
		WebhookBackoff:    e.duration("PONTE_WEBHOOK_BACKOFF", 10*time.Second),
		WebhookKeySecret:  []byte(e.str("PONTE_WEBHOOK_KEY_SECRET", "")),
		WebhookKeyOverlap: e.duration("PONTE_WEBHOOK_KEY_OVERLAP", webhooks.DefaultKeyOverlap),
		DocumentClaim:     e.str("OIDC_DOCUMENT_CLAIM", "document"),
		RolesClaim:        e.str("OIDC_ROLES_CLAIM", "roles"),
		OperatorRole:      e.str("OIDC_OPERATOR_ROLE", "operator"),
		DefaultPlan:       e.strAllowEmpty("PONTE_DEFAULT_LIMIT_PLAN", "standard"),
		BranchCode:        e.str("PONTE_BRANCH_CODE", "0001"),
		MaxComplexity:     e.int("GRAPHQL_MAX_COMPLEXITY", 5000),
		MaxDepth:          e.int("GRAPHQL_MAX_DEPTH", 12),
		MaxBodyBytes:      int64(e.int("HTTP_MAX_BODY_BYTES", 1<<20)),
		AllowedOrigins:    strings.Fields(strings.ReplaceAll(e.str("PONTE_ALLOWED_ORIGINS", "localhost:*"), ",", " ")),
		ShutdownTimeout:   e.duration("SHUTDOWN_TIMEOUT", 15*time.Second),
	}
	// In development the embedded provider is on loopback: listen there only, so that the demo
	// holder's password never opens anything to the network.
	defaultHost := ""
	if c.Env == envDevelopment && c.OIDCIssuer == "" {
		defaultHost = "localhost"
	}
	c.Host = e.str("HOST", defaultHost)
	// Development stops at once and logs text for a terminal; elsewhere a load balancer gets time
	// to see /readyz fail, and logs are JSON for a collector.
	defaultGrace, defaultFormat := 10*time.Second, "json"
	if c.Env == envDevelopment {
		defaultGrace, defaultFormat = 0, "text"
	}
	c.DrainGrace = e.duration("PONTE_DRAIN_GRACE", defaultGrace)
	c.MetricsAddr = e.str("PONTE_METRICS_ADDR", "")
	switch format := e.str("PONTE_LOG_FORMAT", defaultFormat); format {
	case "json", "text":
		c.LogText = format == "text"
	default:
		return c, fmt.Errorf("PONTE_LOG_FORMAT must be json or text, not %q", format)
	}
	if err := c.LogLevel.UnmarshalText([]byte(e.str("PONTE_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("PONTE_LOG_LEVEL must be debug, info, warn or error: %w", err)
	}
	// Every payment worker holds a connection of the one pool while it runs: by default half the
	// pool, the other half left to requests, the other queues and the two LISTEN connections (the
	// event hub's and River's).
	pool := c.DBMaxOpen
	if pool == 0 {
		pool = max(4, runtime.NumCPU()) // pgxpool's own default
	}
	c.PaymentWorkers = e.int("PONTE_PAYMENT_WORKERS", max(1, pool/2))
	c.PaymentBatch = e.int("PONTE_PAYMENT_BATCH", payments.DefaultBatchSize)
	c.PaymentBatches = e.int("PONTE_PAYMENT_BATCHES", 2)
	if e.err != nil {
		return c, e.err
	}
	def := devThrottle
	if c.Env == envProduction {
		def = prodThrottle
	}
	c.Throttle = throttle.Limits{Capacity: e.int("PONTE_THROTTLE_CAPACITY", def.Capacity), RestoreRate: e.int("PONTE_THROTTLE_RESTORE_RATE", def.RestoreRate)}
	if e.err != nil {
		return c, e.err
	}
	if c.Throttle.Capacity < 1 || c.Throttle.Capacity > throttle.MaxLimit || c.Throttle.RestoreRate < 1 || c.Throttle.RestoreRate > throttle.MaxLimit {
		return c, fmt.Errorf("PONTE_THROTTLE_CAPACITY and PONTE_THROTTLE_RESTORE_RATE must be 1 to %d", throttle.MaxLimit)
	}
	if e.str("PONTE_PAYMENT_WORKERS", "") != "" && (c.PaymentWorkers < 1 || c.PaymentWorkers > pool-2) {
		return c, fmt.Errorf("PONTE_PAYMENT_WORKERS must be 1 to DB_MAX_OPEN_CONNS−2 (%d): each worker holds a connection of the pool, and the event hub and the job queue each keep one to LISTEN", pool-2)
	}
	if c.PaymentBatch < 1 || c.PaymentBatch > payments.DefaultBatchSize || c.PaymentBatches < 1 || c.PaymentBatches > pool-2 {
		return c, fmt.Errorf("PONTE_PAYMENT_BATCH must be 1 to %d and PONTE_PAYMENT_BATCHES 1 to DB_MAX_OPEN_CONNS−2 (%d)", payments.DefaultBatchSize, pool-2)
	}
	if c.JobFetch < time.Millisecond || c.JobPoll < c.JobFetch {
		return c, fmt.Errorf("PONTE_JOB_FETCH_COOLDOWN must be at least 1ms and PONTE_JOB_POLL_INTERVAL at least as long")
	}
	switch c.Env {
	case envDevelopment, envSandbox:
	case envProduction:
		if c.OIDCIssuer == "" {
			return c, fmt.Errorf("OIDC_ISSUER is required when PONTE_ENV=production: the development provider never runs in production")
		}
	default:
		return c, fmt.Errorf("PONTE_ENV must be development, sandbox or production, not %q", c.Env)
	}
	if c.OIDCIssuer == "" && c.Env != envDevelopment {
		return c, fmt.Errorf("OIDC_ISSUER is required when PONTE_ENV=%s", c.Env)
	}
	if len(c.ReceiptKey) == 0 {
		if c.Env == envProduction {
			return c, fmt.Errorf("PONTE_RECEIPT_KEY is required in production: it signs payment receipts")
		}
		c.ReceiptKey = []byte("ponte-development-receipt-key") // stable, so dev receipts verify across restarts
	}
	if len(c.WebhookKeySecret) == 0 {
		if c.Env == envProduction {
			return c, fmt.Errorf("PONTE_WEBHOOK_KEY_SECRET is required in production: it seals the keys that sign STONE-format webhooks")
		}
		c.WebhookKeySecret = []byte("ponte-development-webhook-key-secret") // stable, so dev keys open across restarts
	}
	if c.OIDCIssuer != "" && c.OIDCSecret == "" {
		return c, fmt.Errorf("OIDC_CLIENT_SECRET is required with OIDC_ISSUER: holders log in through Ponte's own client %q", c.OIDCClientID)
	}
	if path := e.str("PONTE_PERSISTED_OPERATIONS", ""); path != "" {
		ops, err := gqlserver.LoadPersistedOperations(path)
		if err != nil {
			return c, fmt.Errorf("PONTE_PERSISTED_OPERATIONS: %w", err)
		}
		c.PersistedOperations = ops
	}
	return c, nil
}

// publicURL is where browsers reach Ponte: PUBLIC_URL, or localhost on the port it listens on.
func (c config) publicURL(port int) string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return fmt.Sprintf("http://localhost:%d", port)
}

func (c config) accounts() accounts.Config {
	return accounts.Config{BranchCode: c.BranchCode, DefaultPlan: c.DefaultPlan}
}

func (c config) auth() auth.Config {
	return auth.Config{Audience: c.OIDCAudience, DocumentClaim: c.DocumentClaim, RolesClaim: c.RolesClaim, OperatorRole: c.OperatorRole}
}

// buckets are the callers' query-cost buckets of this replica.
func (c config) buckets() *throttle.Buckets {
	return &throttle.Buckets{Limiter: throttle.NewLimiter(c.ThrottleClock), Defaults: c.Throttle}
}

func (c config) graphql() gqlserver.Config {
	return gqlserver.Config{MaxComplexity: c.MaxComplexity, MaxDepth: c.MaxDepth, MaxBodyBytes: c.MaxBodyBytes,
		AllowedOrigins: c.AllowedOrigins, Introspection: c.Env != envProduction, PersistedOperations: c.PersistedOperations}
}

// jobs: a payment job takes milliseconds. A replica killed mid-job leaves it "running": the leader
// gives it to another replica once RescueAfter has passed, so keep both short. A queue runs at most
// its workers' count of jobs per fetch cooldown, hence the short cooldown.
func (c config) jobs(log *slog.Logger) jobs.Config {
	return jobs.Config{
		Queues:     map[string]int{jobs.QueueDefault: 5, "payments": c.PaymentWorkers, webhooks.Queue: 10},
		JobTimeout: 15 * time.Second, RescueAfter: 16 * time.Second,
		FetchCooldown: c.JobFetch, PollInterval: c.JobPoll,
		Logger: log,
	}
}

// payments: outside production the sandbox rail answers; in production there is no rail yet, so
// TEDs and barcode payments finish when posted.
func (c config) payments() payments.Config {
	var rail payments.Rail
	if c.Env != envProduction {
		rail = payments.SandboxRail{After: c.RailDelay}
	}
	calendar := payments.DefaultCalendar
	calendar.TEDWindow = c.TEDWindow
	return payments.Config{Calendar: calendar, Fees: c.Fees, ApprovalTTL: c.ApprovalTTL, Rail: rail}
}

// batches: the payments that wait run in batches, PONTE_PAYMENT_BATCHES at a time per replica
// (each holding a connection while it runs), and are looked for as often as River looks for jobs.
func (c config) batches(log *slog.Logger) payments.BatchConfig {
	return payments.BatchConfig{Size: c.PaymentBatch, Loops: c.PaymentBatches, Poll: c.JobPoll, Log: log}
}

func (c config) boletos() boletos.Config {
	return boletos.Config{RegisterDelay: c.BoletoRegistry}
}

func (c config) webhooks(log *slog.Logger, publicURL string) webhooks.Config {
	env := "sandbox" // Stone's env claim: development is a sandbox too
	if c.Env == envProduction {
		env = "production"
	}
	return webhooks.Config{
		Development: c.Env == envDevelopment, // sandbox is shared: public https endpoints only
		Logger:      log,
		Backoff:     func(n int) time.Duration { return min(c.WebhookBackoff<<min(n-1, 20), 6*time.Hour) },
		Env:         env, PublicURL: publicURL, KeySecret: c.WebhookKeySecret, KeyOverlap: c.WebhookKeyOverlap,
	}
}

// envReader reads typed variables and remembers the first malformed one.
type envReader struct {
	getenv func(string) string
	err    error
}

func (e *envReader) str(k, def string) string {
	if v := strings.TrimSpace(e.getenv(k)); v != "" {
		return v
	}
	return def
}

// strAllowEmpty is str where "none" means an explicit empty value.
func (e *envReader) strAllowEmpty(k, def string) string {
	v := e.str(k, def)
	if strings.EqualFold(v, "none") {
		return ""
	}
	return v
}

func (e *envReader) int(k string, def int) int {
	v := e.str(k, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		e.fail(fmt.Errorf("%s must be a non-negative integer, not %q", k, v))
		return def
	}
	return n
}

func (e *envReader) duration(k string, def time.Duration) time.Duration {
	v := e.str(k, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.fail(fmt.Errorf("%s must be a duration like 30s, not %q", k, v))
		return def
	}
	return d
}

// fees reads "TED=3.50,BOLETO=0.00": the fee per payment kind; kinds not named keep def's.
func (e *envReader) fees(k string, def payments.Fees) payments.Fees {
	out := payments.Fees{}
	for kind, fee := range def {
		out[kind] = fee
	}
	for _, pair := range strings.FieldsFunc(e.str(k, ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		kind, amount, ok := strings.Cut(pair, "=")
		fee, err := money.Parse(amount)
		if _, known := def[payments.Kind(kind)]; !ok || !known || err != nil || fee < 0 {
			e.fail(fmt.Errorf("%s must look like TED=3.50,BOLETO=0.00 (kinds %s), not %q", k, "INTERNAL_TRANSFER, TED, BOLETO, BARCODE", pair))
			continue
		}
		out[payments.Kind(kind)] = fee
	}
	return out
}

// window reads "06:30-17:00", São Paulo hours.
func (e *envReader) window(k string, def payments.Window) payments.Window {
	v := e.str(k, "")
	if v == "" {
		return def
	}
	open, close, ok := strings.Cut(v, "-")
	o, err1 := time.Parse("15:04", strings.TrimSpace(open))
	c, err2 := time.Parse("15:04", strings.TrimSpace(close))
	if !ok || err1 != nil || err2 != nil || !o.Before(c) {
		e.fail(fmt.Errorf("%s must look like 06:30-17:00, not %q", k, v))
		return def
	}
	since := func(t time.Time) time.Duration {
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return payments.Window{Open: since(o), Close: since(c)}
}

func (e *envReader) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
