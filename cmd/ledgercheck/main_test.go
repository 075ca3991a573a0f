package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/internal/testdb"
)

// run is tested in-process against a fresh database, as main would run it.
func TestRun(t *testing.T) {
	db, dsn := testdb.Open(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}

	t.Run("ACleanLedgerPasses", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), getenv, &out); err != nil || !strings.Contains(out.String(), "OK") {
			t.Fatalf("err %v, output:\n%s", err, out.String())
		}
	})

	t.Run("ErrMismatchWhenABalanceDisagreesWithItsEntries", func(t *testing.T) {
		if err := db.Exec("UPDATE ledger_accounts SET available_cents = 5 WHERE kind = 'FEE_INCOME'").Error; err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := run(context.Background(), getenv, &out)
		if !errors.Is(err, errMismatch) || !strings.Contains(out.String(), "MISMATCH") {
			t.Fatalf("err %v, output:\n%s", err, out.String())
		}
	})

	t.Run("ErrWhenTheDatabaseCannotBeReached", func(t *testing.T) {
		err := run(context.Background(), func(string) string { return "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2" }, &bytes.Buffer{})
		if err == nil || errors.Is(err, errMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
}
