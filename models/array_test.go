package models_test

import (
	"slices"
	"testing"

	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
)

// TestArrayRoundTripsThroughPostgreSQL writes text[] and bigint[] values through gorm (pgx's
// database/sql driver) and reads them back: NULL stays nil, empty stays empty, and elements that
// need quoting in PostgreSQL's text form come back as they went in.
func TestArrayRoundTripsThroughPostgreSQL(t *testing.T) {
	db, _ := testdb.Open(t)
	if err := db.Exec("CREATE TABLE arrays (id int PRIMARY KEY, texts text[], numbers bigint[])").Error; err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID      int
		Texts   models.Array[string] `gorm:"type:text[]"`
		Numbers models.Array[int64]  `gorm:"type:bigint[]"`
	}
	rows := []row{
		{ID: 1},
		{ID: 2, Texts: models.Array[string]{}, Numbers: models.Array[int64]{}},
		{ID: 3, Texts: models.Array[string]{"a", `with "quotes", commas`, "NULL", "", `back\slash`, "{braces}"}, Numbers: models.Array[int64]{-1, 0, 1 << 62}},
	}
	for _, r := range rows {
		if err := db.Table("arrays").Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range rows {
		var got row
		if err := db.Table("arrays").Where("id = ?", want.ID).Take(&got).Error; err != nil {
			t.Fatal(err)
		}
		if (got.Texts == nil) != (want.Texts == nil) || !slices.Equal(got.Texts, want.Texts) ||
			(got.Numbers == nil) != (want.Numbers == nil) || !slices.Equal(got.Numbers, want.Numbers) {
			t.Errorf("row %d: got %#v, want %#v", want.ID, got, want)
		}
	}

	// As a query argument an Array is one array value: gorm does not spread it into a list.
	var n int
	if err := db.Raw("SELECT count(*) FROM arrays WHERE id = ANY(?::bigint[])", models.Array[int64]{1, 3}).Scan(&n).Error; err != nil || n != 2 {
		t.Fatalf("ANY(array argument): %d rows, %v", n, err)
	}
	var names []string
	if err := db.Raw("SELECT x FROM unnest(?::text[]) AS x ORDER BY x", models.Array[string]{"b", "a"}).Scan(&names).Error; err != nil || !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("unnest(text[] argument) = %v, %v", names, err)
	}
}
