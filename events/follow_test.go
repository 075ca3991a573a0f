package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/events"
)

func TestFollowReplaysAfterTheCursorThenGoesLiveWithoutRepeats(t *testing.T) {
	db, hub := runHub(t)

	record(t, db, "first")
	record(t, db, "second")
	var logged []events.Event
	var err error
	deadline := time.Now().Add(10 * time.Second) // another test's transaction may hold them back a moment
	for len(logged) < 2 && time.Now().Before(deadline) {
		if logged, err = events.ReadAfter(context.Background(), db, events.Cursor{}, 10); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(logged) != 2 {
		t.Fatalf("%d events readable", len(logged))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	after := events.CursorOf(&logged[0])
	got := events.Follow(ctx, hub, &after, func(e *events.Event) (*string, bool) {
		return &e.Name, e.Name != "skipped"
	})
	record(t, db, "skipped")
	record(t, db, "third")
	var names []string
	for len(names) < 2 {
		select {
		case n := <-got:
			names = append(names, *n)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %v, then nothing for 10s", names)
		}
	}
	select {
	case n := <-got:
		t.Fatalf("after %v, also %q", names, *n)
	case <-time.After(1500 * time.Millisecond): // the hub also polls every second
	}
	if names[0] != "second" || names[1] != "third" {
		t.Fatalf("followed %v, want [second third]", names)
	}

	cancel()
	for range got { // closes when ctx ends
	}
	if n := hub.Len(); n != 0 {
		t.Fatalf("%d subscribers after the follower ended", n)
	}
}
