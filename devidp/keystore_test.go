package devidp_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// TestStoredSigningKeyIsKept: the first call stores a key, every later one (a restart) reads the
// same key back, from another connection pool too.
func TestStoredSigningKeyIsKept(t *testing.T) {
	dsn := testdb.New(t)
	open := func() *gorm.DB {
		db, err := database.Open(context.Background(), dsn, database.Pool{MaxOpen: 2, MaxIdle: 1, MaxLifetime: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if sqlDB, err := db.DB(); err == nil {
				sqlDB.Close()
			}
		})
		return db
	}
	first, err := devidp.StoredSigningKey(context.Background(), open())
	if err != nil {
		t.Fatal(err)
	}
	second, err := devidp.StoredSigningKey(context.Background(), open())
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(second) {
		t.Fatal("a second start got another signing key")
	}
}
