package testdb_test

import (
	"testing"

	"github.com/ponte-bff/ponte/internal/testdb"
)

func TestEachTestGetsItsOwnMigratedDatabase(t *testing.T) {
	db1, dsn1 := testdb.Open(t)
	_, dsn2 := testdb.Open(t)
	if dsn1 == dsn2 {
		t.Fatal("two databases share a URL")
	}
	var plans int64
	if err := db1.Table("limit_plans").Count(&plans).Error; err != nil || plans == 0 {
		t.Fatalf("migrated seed plan missing: %d, %v", plans, err)
	}
}
