// Package database opens Ponte's PostgreSQL, creates the database when it is missing and applies
// the embedded migrations. It knows nothing of the domain.
//
// A server opens one pgx pool (OpenPool) and puts gorm on it (OnPool): gorm, River and the event
// hub's LISTEN all draw from that pool, so DB_MAX_OPEN_CONNS bounds a replica's connections. Open
// is a standalone gorm handle with its own small database/sql pool, for tools and tests.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ponte-bff/ponte/migrations"
	"github.com/ponte-bff/ponte/observe"
)

// Pool sizes the database/sql pool of Open.
type Pool struct {
	MaxOpen     int
	MaxIdle     int
	MaxLifetime time.Duration
}

// Open connects to dsn with its own database/sql pool and returns the gorm handle: for tools and
// tests. Close it through db.DB().
func Open(ctx context.Context, dsn string, pool Pool) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(pool.MaxOpen)
	sqlDB.SetMaxIdleConns(pool.MaxIdle)
	sqlDB.SetConnMaxLifetime(pool.MaxLifetime)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return db, nil
}

// OpenPool opens a server's one connection pool to dsn: at most maxConns connections, each
// replaced after maxLifetime (0: pgx's default). It pings before returning. Close it after
// everything that uses it has stopped: Close waits for borrowed connections to come back.
func OpenPool(ctx context.Context, dsn string, maxConns int, maxLifetime time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = int32(min(maxConns, 1<<30))
	}
	if maxLifetime > 0 {
		cfg.MaxConnLifetime = maxLifetime
	}
	cfg.ConnConfig.Tracer = observe.QueryTracer{} // a span per query run within a trace
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// OnPool returns gorm on pool (through pgx's database/sql adapter, which keeps no idle
// connections of its own). Closing its *sql.DB leaves pool open.
func OnPool(pool *pgxpool.Pool) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDBFromPool(pool)}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // every write path opens its own transaction on purpose
		TranslateError:         false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// EnsureExists creates the database named in dsn when it does not exist, connecting to the
// server's maintenance database "postgres" to do so.
func EnsureExists(ctx context.Context, dsn string, log *slog.Logger) error {
	name, adminDSN, err := splitDatabase(dsn)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return fmt.Errorf("connect to create database %q: %w", name, err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // another replica created it first
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	log.Info("created database", "database", name)
	return nil
}

// splitDatabase returns the database name of a URL-form DSN and the same DSN pointing at "postgres".
func splitDatabase(dsn string) (name, admin string, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	name = strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", "", fmt.Errorf("DATABASE_URL names no database")
	}
	u.Path = "/postgres"
	return name, u.String(), nil
}

// Migrate applies every pending embedded migration. A PostgreSQL session lock serialises replicas
// that start together.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker),
		// Branches land migrations in any order; each is independent of the ones numbered near it.
		goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("applied migration", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}
