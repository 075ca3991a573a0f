// Command ledgercheck proves that the ledger adds up: it recomputes every balance from the
// entries (ledger.Verify) on the database at DATABASE_URL and prints the report. It exits 0 when
// the ledger is consistent, 1 on any mismatch and 2 when it could not check. It only reads.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/database"
)

// defaultDatabaseURL is the development database, as in DESIGN.md.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/ponte?sslmode=disable"

// errMismatch is what run returns when the check found the ledger inconsistent.
var errMismatch = errors.New("ledger mismatch")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Getenv, os.Stdout)
	stop()
	switch {
	case errors.Is(err, errMismatch):
		fmt.Fprintln(os.Stderr, "ledgercheck:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ledgercheck:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	dsn := getenv("DATABASE_URL")
	if dsn == "" {
		dsn = defaultDatabaseURL
	}
	db, err := database.Open(ctx, dsn, database.Pool{MaxOpen: 2, MaxIdle: 1, MaxLifetime: time.Minute})
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	svc, err := ledger.New(ctx, db)
	if err != nil {
		return err
	}
	report, err := svc.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, report.String())
	if !report.OK() {
		return errMismatch
	}
	return nil
}
