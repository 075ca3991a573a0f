// Command ponte is a GraphQL backend-for-frontend that lets ERP and accounting platforms operate
// business bank accounts in Brazil. This package only wires: configuration (config.go), the
// database, the identity provider, the services and their background jobs, HTTP routes and
// graceful shutdown. Everything it wires lives in the package that owns it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/devseed"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/gqlserver"
	"github.com/ponte-bff/ponte/httpapi"
	"github.com/ponte-bff/ponte/ide"
	"github.com/ponte-bff/ponte/internal/ratelimit"
	"github.com/ponte-bff/ponte/jobs"
	"github.com/ponte-bff/ponte/observe"
	"github.com/ponte-bff/ponte/reqid"
	"github.com/ponte-bff/ponte/resolvers"
	"github.com/ponte-bff/ponte/tenants"
	"github.com/ponte-bff/ponte/throttle"
	"github.com/ponte-bff/ponte/webhooks"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// A request allocates its whole answer (gqlgen builds every field); collecting half as
		// often took a tenth off a statement page's CPU for ≈ 70 MiB of heap at 16 clients.
		// GOGC, when set, decides.
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	do := run
	if len(os.Args) > 1 { // a command (command.go): `ponte tenant add ...`
		do = func(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
			return command(ctx, os.Args[1:], getenv, os.Stdout, stderr)
		}
	}
	if err := do(ctx, os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ponte:", err)
		os.Exit(1)
	}
}

// run reads the configuration, listens on PORT and serves until ctx ends.
func run(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(observe.NewLogHandler(stderr, cfg.LogText, cfg.LogLevel))
	slog.SetDefault(log) // libraries that log to the default logger (zitadel's op) share our output
	shutdownTracing, tracing, err := observe.Tracing(ctx, getenv)
	if err != nil {
		return fmt.Errorf("OpenTelemetry exporter: %w", err)
	}
	defer func() { // the last spans, flushed after everything has stopped
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdownTracing(flushCtx); err != nil {
			log.Warn("flush traces", "err", err)
		}
	}()
	log.Info("tracing", "exporter", map[bool]string{true: "otlp", false: "off"}[tracing])
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	return serve(ctx, cfg, ln, log, nil)
}

// serve runs Ponte on ln until ctx ends, then shuts down gracefully. clock is the payments'
// clock; nil: the system's (tests pin it).
func serve(ctx context.Context, cfg config, ln net.Listener, log *slog.Logger, clock func() time.Time) error {
	defer ln.Close()
	log = slog.New(observe.WithRequest(log.Handler())) // every line a request writes names it
	port := ln.Addr().(*net.TCPAddr).Port
	publicURL := cfg.publicURL(port)

	pool, db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDatabase(pool, db) // last: it waits for every borrowed connection
	id, err := newIdentity(ctx, cfg, port, publicURL, db, log)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, id, publicURL, pool, db, clock, log)
	if err != nil {
		return err
	}
	if id.dev != nil { // development: the demo tenants and the demo holder's account
		if err := devseed.Seed(ctx, db, a.accounts, a.ledger, devseed.DemoHolder()); err != nil {
			return err
		}
	}
	if err := a.queue.Start(ctx); err != nil {
		return err
	}
	a.startBatches(ctx, cfg, log)
	defer a.stopJobs(cfg.ShutdownTimeout, log)
	// The hub outlives the signal: subscriptions are ended by the drain (with a retryable close
	// code), not by their source going away.
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHub()
	go a.hub.Run(hubCtx)

	metrics := observe.Handler(observe.PoolCollector(pool), observe.QueueCollector(pool), observe.PaymentQueueCollector(pool), observe.HubLagCollector(a.hub.Lag))
	var admin net.Listener
	if cfg.MetricsAddr != "" { // /metrics on its own port, out of the public one's reach
		if admin, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("PONTE_METRICS_ADDR: %w", err)
		}
		defer admin.Close()
	}
	return a.listen(ctx, cfg, ln, admin, routes(cfg, id, a, metrics, log), metrics, log.With("env", cfg.Env))
}

// openDatabase creates the database when it is missing, opens the one pool that gorm, River and
// the event hub share, and applies the migrations.
func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (*pgxpool.Pool, *gorm.DB, error) {
	if err := database.EnsureExists(ctx, cfg.DatabaseURL, log); err != nil {
		return nil, nil, err
	}
	pool, err := database.OpenPool(ctx, cfg.DatabaseURL, cfg.DBMaxOpen, cfg.DBConnLifetime)
	if err != nil {
		return nil, nil, err
	}
	db, err := database.OnPool(pool)
	if err == nil {
		sqlDB, _ := db.DB()
		err = database.Migrate(ctx, sqlDB, log)
	}
	if err != nil {
		closeDatabase(pool, db)
		return nil, nil, err
	}
	return pool, db, nil
}

// closeDatabase closes gorm's view of pool, then pool, once everything else has stopped.
func closeDatabase(pool *pgxpool.Pool, db *gorm.DB) {
	if db != nil {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	}
	pool.Close()
}

// loginCallbackPath is where the OpenID Provider sends a holder back after logging in for one of
// the holder's pages (consent.Pages serves it).
const loginCallbackPath = "/consents/callback"

// identity is the OpenID Provider Ponte trusts and the secret of its own login client. dev is the
// embedded development provider, served at /idp/ when no issuer is configured; nil otherwise.
type identity struct {
	issuer, secret string
	dev            *devidp.Provider
}

func newIdentity(ctx context.Context, cfg config, port int, publicURL string, db *gorm.DB, log *slog.Logger) (identity, error) {
	if cfg.OIDCIssuer != "" {
		return identity{issuer: cfg.OIDCIssuer, secret: cfg.OIDCSecret}, nil
	}
	issuer := fmt.Sprintf("http://localhost:%d/idp", port)
	// The signing key lives in the database, so a token pasted in the IDE survives a restart.
	key, err := devidp.StoredSigningKey(ctx, db)
	if err != nil {
		return identity{}, err
	}
	dev, rp, err := devidp.Development(issuer, devidp.Client{
		ID: cfg.OIDCClientID, Secret: cfg.OIDCSecret, Name: "Ponte", RedirectURIs: []string{publicURL + loginCallbackPath},
		Scopes: []string{"openid", "profile", "email"},
	}, publicURL+ide.CallbackPath, key, cfg.DevTokenTTL, log.With("component", "devidp"))
	if err != nil {
		return identity{}, err
	}
	log.Info("development OpenID Provider", "issuer", issuer)
	return identity{issuer: issuer, secret: rp.Secret, dev: dev}, nil
}

// app is Ponte's services, built once per process and shared by every route and job.
type app struct {
	pool     *pgxpool.Pool
	authn    *auth.Authenticator
	authz    *auth.Authorizer
	accounts *accounts.Service
	ledger   *ledger.Service
	consents *consent.Service
	login    *consent.Login
	payments *payments.Service
	boletos  *boletos.Service
	payroll  *payroll.Service
	webhooks *webhooks.Service
	tenants  *tenants.Service
	buckets  *throttle.Buckets
	contacts *contacts.Service
	hub      *events.Hub
	queue    *jobs.Jobs
	// batches executes the payments that wait, in batches (payments.Batches.Run); stopBatches
	// ends it and waits for the batch in flight.
	batches     *payments.Batches
	stopBatches func()
	// publicURL is where browsers reach Ponte (a receipt names its verification page under it).
	publicURL string
	// shuttingDown is set when the server is told to stop: /readyz fails from then on, so that
	// load balancers stop sending requests during the drain grace period.
	shuttingDown atomic.Bool
}

// newApp builds the services on db and registers their background work on one job queue.
func newApp(ctx context.Context, cfg config, id identity, publicURL string, pool *pgxpool.Pool, db *gorm.DB, clock func() time.Time, log *slog.Logger) (*app, error) {
	a := &app{pool: pool, publicURL: publicURL, consents: consent.New(db, consent.Config{PublicURL: publicURL}), tenants: tenants.New(db), buckets: cfg.buckets(),
		hub: events.NewHub(db, pool, log.With("component", "events"))}
	var err error
	if a.accounts, err = accounts.New(ctx, db, cfg.accounts()); err != nil {
		return nil, err
	}
	if a.ledger, err = ledger.New(ctx, db); err != nil {
		return nil, err
	}
	issuer := auth.NewIssuer(id.issuer, 5*time.Second)
	a.authn = auth.NewAuthenticator(issuer, cfg.auth(), db)
	a.authn.WatchTenants(a.hub.WatchTenant) // a disabled tenant's sockets close at once
	a.login = consent.NewLogin(issuer, consent.LoginConfig{
		ClientID: cfg.OIDCClientID, ClientSecret: id.secret, RedirectURL: publicURL + loginCallbackPath, DocumentClaim: cfg.DocumentClaim,
	})
	sqlDB, _ := db.DB()
	if a.queue, err = jobs.New(ctx, pool, sqlDB, cfg.jobs(log.With("component", "jobs"))); err != nil {
		return nil, err
	}
	a.batches = payments.NewBatches(a.queue.InsertTx)
	a.payments = payments.New(db, a.ledger, a.batches, cfg.payments())
	a.boletos = boletos.New(db, a.ledger, boletos.RiverRunner{Insert: a.queue.InsertTx}, cfg.boletos())
	a.payments.SetReceivables(a.boletos) // paying a boleto Ponte issued settles it between the two accounts
	if clock != nil {
		a.payments.SetClock(clock)
		a.boletos.SetClock(clock)
	}
	a.payroll = payroll.New(db, a.ledger, a.payments, a.queue.InsertTx, payroll.Config{})
	a.consents.OnEnd(a.payments.StopForEndedConsent) // a consent's end stops its cash-out in the same transaction
	a.authz = auth.NewAuthorizer(db, a.payments)
	a.contacts = contacts.New(db)
	a.webhooks = webhooks.New(db, a.queue.InsertTx, cfg.webhooks(log.With("component", "webhooks"), publicURL))
	return a, a.registerJobs(cfg)
}

// registerJobs is every package's background work, added the one way: its Register. Execution,
// settlement and webhook delivery are jobs; the webhook dispatch and the expiry sweeps are
// periodic jobs that the leader replica inserts.
func (a *app) registerJobs(cfg config) error {
	if err := a.payments.Register(a.queue, cfg.SweepInterval); err != nil {
		return err
	}
	if err := a.consents.Register(a.queue, cfg.SweepInterval); err != nil {
		return err
	}
	if err := a.boletos.Register(a.queue, cfg.SweepInterval); err != nil {
		return err
	}
	if err := a.payroll.Register(a.queue); err != nil {
		return err
	}
	return a.webhooks.Register(a.queue)
}

// startBatches runs the payment batches until stopJobs. They outlive the signal as the job queue
// does: requests still draining may approve payments.
func (a *app) startBatches(ctx context.Context, cfg config, log *slog.Logger) {
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.batches.Run(bctx, a.payments, cfg.batches(log.With("component", "payments")))
	}()
	a.stopBatches = func() { cancel(); <-done }
}

// stopJobs stops the payment batches (the one in flight commits or rolls back as a whole), then
// drains the job queue within timeout.
func (a *app) stopJobs(timeout time.Duration, log *slog.Logger) {
	if a.stopBatches != nil {
		a.stopBatches()
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := a.queue.Stop(ctx); err != nil {
		log.Error("stop jobs", "err", err)
	}
}

// routes is every HTTP route Ponte serves, in one place; each package's Routes mounts the paths
// named beside it.
func routes(cfg config, id identity, a *app, metrics http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	authenticated := a.authn.Middleware(log, nil)
	// The public receipt check (verifyReceipt and its page) allows each client address 20 at once,
	// then one every 6 seconds, remembering at most 10,000 addresses (well under a megabyte).
	verifyLimit := ratelimit.New(6*time.Second, 20, 10_000, nil)
	res := &resolvers.Resolver{Authz: a.authz, AccountService: a.accounts, ConsentService: a.consents, Ledger: a.ledger,
		Sandbox: cfg.Env != envProduction, PaymentService: a.payments, ReceiptKey: cfg.ReceiptKey, ReceiptVerifyLimit: verifyLimit,
		Hub: a.hub, Webhooks: a.webhooks, TenantService: a.tenants, Buckets: a.buckets,
		ContactService: a.contacts, BoletoService: a.boletos, PayrollService: a.payroll}
	mux.Handle("/graphql", gqlserver.New(cfg.graphql(), res, a.authn, log))
	// GET /api/v1/discovery/keys: the JWKS of the keys that sign STONE-format webhooks
	a.webhooks.Routes(mux)
	// GET /payments/{id}/receipt.pdf, and the public GET /receipts/verify
	receiptsAPI := &httpapi.Receipts{Authz: a.authz, Payments: a.payments, Key: cfg.ReceiptKey, Log: log,
		VerifyURL: a.publicURL + httpapi.VerifyReceiptPath, VerifyLimit: verifyLimit}
	receiptsAPI.Routes(mux, authenticated)
	// GET /boletos/{id}.pdf
	(&httpapi.Boletos{Authz: a.authz, Boletos: a.boletos, Log: log}).Routes(mux, authenticated)
	// GET /accounts/{id}/statement.ofx and .csv
	(&httpapi.Statements{Authz: a.authz, Accounts: a.accounts, Ledger: a.ledger, Log: log}).Routes(mux, authenticated)
	// The holder's pages: /consents/authorize, /consents/callback, /consents/decide, /consents/mine
	// (and /revoke), /approvals, /consents/assets/.
	consent.NewPages(a.consents, a.login, a.authz, log).WithApprovals(a.payments).Routes(mux)
	if id.dev != nil {
		mux.Handle("/idp/", id.dev)
	}
	if cfg.Env != envProduction {
		ideCfg := ide.Config{Title: "Ponte GraphQL", Endpoint: "/graphql"} // the ide package's generic text
		if id.dev != nil {
			ideCfg = devIDE(ideCfg, id.issuer, a.publicURL)
		}
		page := ide.New(ideCfg)
		mux.Handle("GET /{$}", page)
		mux.Handle("GET /playground", page)
		mux.Handle("GET "+ide.CallbackPath, page)
		mux.Handle(ide.AssetsPath, ide.Assets())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", metrics)
	}
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if a.shuttingDown.Load() { // first to fail: the drain has begun
			http.Error(w, "not ready: shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		// Anonymous: the causes name hosts, users and databases, so they go to the logs only.
		if err := a.pool.Ping(ctx); err != nil {
			log.Warn("not ready: database", "err", err)
			http.Error(w, "not ready: database unavailable", http.StatusServiceUnavailable)
			return
		}
		if err := a.authn.Ready(ctx); err != nil {
			log.Warn("not ready: identity provider", "err", err)
			http.Error(w, "not ready: identity provider unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	// Outermost the trace (a traceparent continues the caller's), then the request id, then the
	// access line and the HTTP metrics, which name the route the mux matched.
	return otelhttp.NewHandler(reqid.Middleware(observe.Requests(log, mux)), "ponte",
		otelhttp.WithFilter(func(r *http.Request) bool {
			return r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics"
		}),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + spanRoute(r.URL.Path) }))
}

// spanRoute is a request's path as a span names it: the fixed paths as they are, the paths that
// carry ids by their first segment (a span name per object would defeat grouping).
func spanRoute(path string) string {
	switch path {
	case "/graphql", "/", "/playground":
		return path
	}
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		return path[:i+1] + "/…"
	}
	return path
}

// listen serves h on ln (and metrics on admin, when not nil) until ctx ends. Then it shuts down
// in order: /readyz fails at once; requests are still served for the drain grace period, while
// load balancers notice; open subscriptions end with a retryable close code (auth's Drain); the
// server stops, waiting for requests in flight, within the shutdown timeout.
func (a *app) listen(ctx context.Context, cfg config, ln, admin net.Listener, h, metrics http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var adminSrv *http.Server
	if admin != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics)
		// Profiles only on the private port: they show the code at work, never the public's business.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		adminSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- adminSrv.Serve(admin) }()
		log.Info("metrics listening", "addr", admin.Addr().String())
	}
	log.Info("ponte listening", "addr", ln.Addr().String(), "ide", fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.shuttingDown.Store(true)
	if cfg.DrainGrace > 0 {
		log.Info("shutting down: not ready; serving for the drain grace period", "grace", cfg.DrainGrace.String())
		time.Sleep(cfg.DrainGrace) // load balancers see /readyz fail and stop sending requests
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := a.authn.Drain(shutdownCtx); err != nil {
		log.Warn("shutdown: streams still open", "open", a.authn.OpenStreams(), "err", err)
	}
	if adminSrv != nil {
		defer adminSrv.Close()
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
