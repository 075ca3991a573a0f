package database_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ponte-bff/ponte/database"
)

func TestUnavailableTellsAnOutageFromAFailedStatement(t *testing.T) {
	_, refused := pgconn.Connect(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"ConnectionRefused", refused, true},
		{"Dropped", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true},
		{"AdminShutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"ConnectionException", &pgconn.PgError{Code: "08006"}, true},
		{"UniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"NulInText", &pgconn.PgError{Code: "22021"}, false},
		{"RequestEnded", fmt.Errorf("query: %w", context.Canceled), false},
		{"Other", errors.New("record not found"), false},
		{"Nil", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := database.Unavailable(c.err); got != c.want {
				t.Fatalf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}
