package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/ponte-bff/ponte/migrations"
)

// TestEveryMigrationSinceTheEventLogGoesDownAndUp: each migration after the one event log (00011)
// can be undone and done again, in order, on an empty database: the down sections of migrations
// that each add a topic to the log's CHECK (boleto, statement_entry, contact, payroll) restore the
// list the migration before them left.
func TestEveryMigrationSinceTheEventLogGoesDownAndUp(t *testing.T) {
	ctx := context.Background()
	db := emptyDB(t)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	latest, err := p.GetDBVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 11); err != nil {
		t.Fatalf("down to 11: %v", err)
	}
	for v := int64(12); v <= latest; v++ {
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("up to %d: %v", v, err)
		}
		if _, err := p.DownTo(ctx, v-1); err != nil {
			t.Fatalf("%d down: %v", v, err)
		}
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("%d up again: %v", v, err)
		}
	}
	var check string
	if err := db.QueryRow(`SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'events_topic_check'`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"payment", "consent", "tenant", "boleto", "statement_entry", "contact", "payroll"} {
		if !strings.Contains(check, "'"+topic+"'") {
			t.Errorf("the topic CHECK lacks %s: %s", topic, check)
		}
	}
}
