// Command ponte is a GraphQL backend-for-frontend that lets ERP and accounting platforms operate
// business bank accounts in Brazil. This file only wires: configuration, database, migrations,
// the identity provider, HTTP routes and graceful shutdown.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/devseed"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/httpapi"
	"github.com/ponte-bff/ponte/ide"
	"github.com/ponte-bff/ponte/jobs"
	"github.com/ponte-bff/ponte/reqid"
	"github.com/ponte-bff/ponte/resolvers"
	"github.com/ponte-bff/ponte/webhooks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr); err != nil {
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
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log) // libraries that log to the default logger (zitadel's op) share our output
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	return serve(ctx, cfg, ln, log)
}

// serve runs Ponte on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	if err := database.EnsureExists(ctx, cfg.DatabaseURL, log); err != nil {
		return err
	}
	db, err := database.Open(ctx, cfg.DatabaseURL, database.Pool{MaxOpen: cfg.DBMaxOpen, MaxIdle: cfg.DBMaxIdle, MaxLifetime: cfg.DBConnLifetime})
	if err != nil {
		return err
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if err := database.Migrate(ctx, sqlDB, log); err != nil {
		return err
	}
	accountService, err := accounts.New(ctx, db, accounts.Config{BranchCode: cfg.BranchCode, DefaultPlan: cfg.DefaultPlan})
	if err != nil {
		return err
	}

	ledgerService, err := ledger.New(ctx, db)
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = fmt.Sprintf("http://localhost:%d", port)
	}
	issuer, rpSecret := cfg.OIDCIssuer, cfg.OIDCSecret
	if issuer == "" { // development: serve the embedded provider and the demo data
		var idp *devidp.Provider
		var holder devseed.Holder
		if issuer, rpSecret, idp, holder, err = developmentProvider(cfg, port, publicURL, log); err != nil {
			return err
		}
		mux.Handle("/idp/", idp)
		if err := devseed.Seed(ctx, db, accountService, ledgerService, holder); err != nil {
			return err
		}
	}
	oidcIssuer := auth.NewIssuer(issuer, 5*time.Second)
	authn := auth.NewAuthenticator(oidcIssuer, auth.Config{
		Audience: cfg.OIDCAudience, DocumentClaim: cfg.DocumentClaim, RolesClaim: cfg.RolesClaim, OperatorRole: cfg.OperatorRole,
	}, db)
	consentService := consent.New(db, consent.Config{PublicURL: publicURL})
	login := consent.NewLogin(oidcIssuer, consent.LoginConfig{
		ClientID: cfg.OIDCClientID, ClientSecret: rpSecret, RedirectURL: publicURL + "/consents/callback", DocumentClaim: cfg.DocumentClaim,
	})
	go sweep(ctx, cfg.SweepInterval, log, consentService.ExpireDue)
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	poolCfg.MaxConns = 10 // River holds one for LISTEN; fetching, completion and upkeep share the rest
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return fmt.Errorf("job queue pool: %w", err)
	}
	defer pool.Close()
	queue, err := jobs.New(ctx, pool, sqlDB, jobs.Config{
		Queues: map[string]int{jobs.QueueDefault: 5, "payments": 10, webhooks.Queue: 10},
		// A payment job takes milliseconds. A replica killed mid-job leaves it "running": the
		// leader gives it to another replica once RescueAfter has passed, so keep both short.
		JobTimeout: 15 * time.Second, RescueAfter: 16 * time.Second,
		Logger: log.With("component", "jobs"),
	})
	if err != nil {
		return err
	}
	paymentService, err := newPayments(cfg, db, ledgerService, queue)
	if err != nil {
		return err
	}
	hooks := webhooks.New(db, queue.InsertTx, webhooks.Config{
		Development: cfg.Env == envDevelopment, // sandbox is shared: public https endpoints only
		Logger:      log.With("component", "webhooks"),
		Backoff:     func(n int) time.Duration { return min(cfg.WebhookBackoff<<min(n-1, 20), 6*time.Hour) },
	})
	if err := hooks.Register(queue); err != nil {
		return err
	}
	if err := queue.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := queue.Stop(stopCtx); err != nil {
			log.Error("stop jobs", "err", err)
		}
	}()
	go sweep(ctx, cfg.SweepInterval, log, paymentService.ExpireDue)
	authz := auth.NewAuthorizer(db, paymentService)
	consent.NewPages(consentService, login, authz, log).WithApprovals(paymentService).Routes(mux)

	hub := events.NewHub(db, pool, log.With("component", "events"))
	go hub.Run(ctx)

	res := &resolvers.Resolver{Hub: hub, Webhooks: hooks, Authz: authz, AccountService: accountService, ConsentService: consentService,
		Ledger: ledgerService, Sandbox: cfg.Env != envProduction,
		PaymentService: paymentService, ReceiptKey: cfg.ReceiptKey}
	(&httpapi.Receipts{Authz: authz, Payments: paymentService, Key: cfg.ReceiptKey, Log: log}).Routes(mux, authn.Middleware(log, nil))
	statements := &httpapi.Statements{Authz: authz, Accounts: accountService, Ledger: ledgerService, Log: log}
	statements.Routes(mux, authn.Middleware(log, nil))

	routes(mux, cfg, port, newGraphQLHandler(cfg, res, authn, log), db, authn)
	srv := &http.Server{
		Handler:           reqid.Middleware(mux),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("ponte listening", "addr", ln.Addr().String(), "env", cfg.Env, "ide", fmt.Sprintf("http://localhost:%d/", port))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// routes is every HTTP route Ponte serves, in one place.
func routes(mux *http.ServeMux, cfg config, port int, gql http.Handler, db *gorm.DB, authn *auth.Authenticator) {
	mux.Handle("/graphql", gql)
	if cfg.Env != envProduction {
		page := ide.New(ide.Config{Title: "Ponte GraphQL", Endpoint: "/graphql", DefaultQuery: ideDefaultQuery(cfg, port)})
		mux.Handle("GET /{$}", page)
		mux.Handle("GET /playground", page)
		mux.Handle(ide.AssetsPath, ide.Assets())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		sqlDB, err := db.DB()
		if err == nil {
			err = sqlDB.PingContext(ctx)
		}
		if err == nil {
			err = authn.Ready(ctx)
		}
		if err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
}
