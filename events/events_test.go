package events_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// runHub gives t a fresh database and a hub running on it, stopped when t ends.
func runHub(t testing.TB) (*gorm.DB, *events.Hub) {
	t.Helper()
	db, dsn := testdb.Open(t)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	hub := events.NewHub(db, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hub.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; pool.Close() })
	return db, hub
}

func record(t *testing.T, db *gorm.DB, name string) {
	t.Helper()
	if err := db.Transaction(func(tx *gorm.DB) error {
		return events.Record(context.Background(), tx, &events.Event{Name: name, Topic: events.TopicPayment, ToStatus: "X", Actor: "system"})
	}); err != nil {
		t.Fatal(err)
	}
}

func TestReadAfterNeverSkipsAnEventThatCommitsLate(t *testing.T) {
	db, _ := testdb.Open(t)
	ctx := context.Background()
	// A transaction takes its id first and commits last.
	late := db.Begin()
	if err := events.Record(ctx, late, &events.Event{Name: "late", Topic: events.TopicPayment, ToStatus: "X", Actor: "system"}); err != nil {
		t.Fatal(err)
	}
	record(t, db, "early")
	seen, err := events.ReadAfter(ctx, db, events.Cursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 {
		t.Fatalf("read %d events while an older transaction was still running", len(seen))
	}
	if err := late.Commit().Error; err != nil {
		t.Fatal(err)
	}
	// The snapshot's xmin is cluster-wide: another test's transaction on the same server may hold
	// both events back a moment longer, so wait for them rather than expect them at once.
	deadline := time.Now().Add(10 * time.Second)
	for seen, _ = events.ReadAfter(ctx, db, events.Cursor{}, 100); len(seen) < 2 && time.Now().Before(deadline); seen, _ = events.ReadAfter(ctx, db, events.Cursor{}, 100) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(seen) != 2 {
		t.Fatalf("after commit: %d events", len(seen))
	}
	rest, _ := events.ReadAfter(ctx, db, events.CursorOf(&seen[0]), 100)
	if len(rest) != 1 || rest[0].ID != seen[1].ID {
		t.Fatalf("resume after the first: %+v", rest)
	}
	if err := db.Exec("DELETE FROM events").Error; err == nil {
		t.Fatal("events accepted a DELETE")
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := events.Cursor{XID: 123456789, ID: 42}
	back, err := events.ParseCursor(c.String())
	if err != nil || back != c {
		t.Fatalf("%v %v", back, err)
	}
	if _, err := events.ParseCursor("nope"); err == nil {
		t.Fatal("a foreign cursor parsed")
	}
}

func TestHubFansOutCommittedEvents(t *testing.T) {
	db, hub := runHub(t)
	time.Sleep(100 * time.Millisecond) // the hub reads its starting head
	sub := hub.Subscribe()
	name := uuid.NewString()
	record(t, db, name)
	select {
	case e := <-sub.C:
		if e.Name != name {
			t.Fatalf("got %s", e.Name)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	sub.Close()
	sub.Close()
	if hub.Len() != 0 {
		t.Fatalf("%d subscribers after close", hub.Len())
	}
}
