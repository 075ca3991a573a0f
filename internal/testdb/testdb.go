// Package testdb gives every test its own fresh, migrated PostgreSQL database, cloned from a
// template database that is migrated once per set of migrations. Cloning a template takes tens of
// milliseconds, so tests stay isolated without paying for migrations each time.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/migrations"
)

// ServerURL is the PostgreSQL server tests use: PONTE_TEST_DATABASE_URL, or the local default.
func ServerURL() string {
	if u := os.Getenv("PONTE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var counter atomic.Int64

// New creates a fresh database for t, dropped when t ends, and returns its URL.
func New(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		t.Fatalf("testdb: connect to PostgreSQL at %s: %v (is it running? see README)", ServerURL(), err)
	}
	defer admin.Close(ctx)

	tmpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: template: %v", err)
	}
	name := fmt.Sprintf("ponte_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	if err := createFrom(ctx, admin, name, tmpl); err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), ServerURL())
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDatabase(ServerURL(), name)
}

// Open is New plus a gorm handle closed when t ends.
func Open(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	dsn := New(t)
	db, err := database.Open(context.Background(), dsn, database.Pool{MaxOpen: 10, MaxIdle: 2, MaxLifetime: time.Minute})
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return db, dsn
}

// createFrom clones tmpl. PostgreSQL refuses a clone while another session is connected to the
// template (a parallel test package may be cloning it too), so busy errors are retried.
func createFrom(ctx context.Context, admin *pgx.Conn, name, tmpl string) error {
	var err error
	for i := 0; i < 50; i++ {
		_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize())
		if err == nil || !strings.Contains(err.Error(), "is being accessed by other users") {
			return err
		}
		time.Sleep(time.Duration(20+i*10) * time.Millisecond)
	}
	return err
}

// ensureTemplate builds the template for the current migrations once, under an advisory lock so
// that test packages running in parallel processes build it only once.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	tmpl := "ponte_tmpl_" + migrationsHash()
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, "SELECT pg_advisory_unlock(727274)") //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", tmpl).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return tmpl, nil
	}
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{tmpl}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		return "", err
	}
	db, err := sql.Open("pgx", withDatabase(ServerURL(), tmpl))
	if err != nil {
		return "", err
	}
	err = database.Migrate(ctx, db, slog.New(slog.DiscardHandler))
	_ = db.Close()
	if err != nil {
		return "", err
	}
	// Marked as a template only once fully migrated: a half-built one is rebuilt next time.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tmpl}.Sanitize()+" WITH IS_TEMPLATE true"); err != nil {
		return "", err
	}
	return tmpl, nil
}

func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		panic("testdb: bad server URL: " + err.Error())
	}
	u.Path = "/" + name
	return u.String()
}
