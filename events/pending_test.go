package events_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/internal/testdb"
)

// TestDeferredEventsAndUpdatesAreWrittenAtFlushInOrder: under Defer, Record, RecordAll and
// Update write nothing until Flush, which writes the events in the order they were recorded
// with the updates; a second update of one row writes what came before it first; an update that
// changes no row fails the flush; and a context that does not defer writes at once.
func TestDeferredEventsAndUpdatesAreWrittenAtFlushInOrder(t *testing.T) {
	db, _ := testdb.Open(t)
	if err := db.Exec("CREATE TABLE rows_for_pending (id int PRIMARY KEY, v text)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO rows_for_pending VALUES (1, 'a'), (2, 'a')").Error; err != nil {
		t.Fatal(err)
	}
	count := func(tx *gorm.DB) (n int64) {
		tx.Raw("SELECT count(*) FROM events").Find(&n)
		return n
	}
	ev := func(name string) events.Event {
		return events.Event{Name: name, Topic: events.TopicPayment, ToStatus: "X", Actor: "system"}
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		ctx, pending := events.Defer(context.Background())
		first := ev("first")
		if err := events.Record(ctx, tx, &first); err != nil {
			return err
		}
		if err := pending.Update(ctx, tx, "row:1", "UPDATE rows_for_pending SET v = ? WHERE id = ?", "b", 1); err != nil {
			return err
		}
		if err := events.RecordAll(ctx, tx, []events.Event{ev("second"), ev("third")}); err != nil {
			return err
		}
		if n := count(tx); n != 0 {
			t.Errorf("%d events written before the flush", n)
		}
		// The same row again: what was collected is written first, then this update waits.
		if err := pending.Update(ctx, tx, "row:1", "UPDATE rows_for_pending SET v = ? WHERE id = ?", "c", 1); err != nil {
			return err
		}
		if n := count(tx); n != 3 {
			t.Errorf("%d events after a second update of one row, want the 3 collected before it", n)
		}
		if err := events.Record(context.Background(), tx, &events.Event{Name: "now", Topic: events.TopicPayment, ToStatus: "X", Actor: "system"}); err != nil {
			return err
		}
		if n := count(tx); n != 4 {
			t.Errorf("an event under a context that does not defer was not written at once (%d events)", n)
		}
		last := ev("last")
		if err := events.Record(ctx, tx, &last); err != nil {
			return err
		}
		return pending.Flush(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	db.Raw("SELECT name FROM events ORDER BY id").Find(&names)
	if want := []string{"first", "second", "third", "now", "last"}; len(names) != len(want) || names[0] != "first" || names[2] != "third" || names[4] != "last" {
		t.Fatalf("events %v, want %v", names, want)
	}
	var v string
	db.Raw("SELECT v FROM rows_for_pending WHERE id = 1").Find(&v)
	if v != "c" {
		t.Fatalf("row 1 is %q, want the last update's c", v)
	}

	err = db.Transaction(func(tx *gorm.DB) error {
		ctx, pending := events.Defer(context.Background())
		if err := pending.Update(ctx, tx, "row:9", "UPDATE rows_for_pending SET v = ? WHERE id = ?", "x", 9); err != nil {
			return err
		}
		return pending.Flush(ctx, tx)
	})
	if err == nil {
		t.Fatal("a deferred update of no row flushed without error")
	}
}
