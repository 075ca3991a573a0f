package resolvers

import (
	"context"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
)

// stream runs one subscription over the event log: it subscribes to the hub first, replays the
// events after `after` (when given), then goes live, skipping what the replay already sent, so
// nothing is lost or repeated. send is called for every event in order; it filters and
// re-authorizes and returns false to skip. The returned channel closes when ctx ends or the hub
// drops a subscriber that fell behind (the client resumes with its last cursor).
func stream[T any](ctx context.Context, hub *events.Hub, after *string, send func(*events.Event) (*T, bool)) (<-chan *T, error) {
	var last events.Cursor
	if after != nil && *after != "" {
		c, err := events.ParseCursor(*after)
		if err != nil {
			return nil, apperr.Field(apperr.BadInput, []string{"after"}, "after is not a cursor this stream gave")
		}
		last = c
	}
	sub := hub.Subscribe()
	out := make(chan *T, 16)
	deliver := func(e *events.Event) bool {
		if !last.Less(events.CursorOf(e)) {
			return true // already sent by the replay
		}
		last = events.CursorOf(e)
		v, ok := send(e)
		if !ok {
			return true
		}
		select {
		case out <- v:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(out)
		defer sub.Close()
		if after != nil && *after != "" {
			for {
				evs, err := hub.ReadAfter(ctx, last, 200)
				if err != nil {
					return
				}
				for i := range evs {
					if !deliver(&evs[i]) {
						return
					}
				}
				if len(evs) < 200 {
					break
				}
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-sub.C:
				if !ok || !deliver(e) {
					return
				}
			}
		}
	}()
	return out, nil
}
