package events

import "context"

// replayPage is how many events one replay read takes.
const replayPage = 200

// Follow runs one subscription over the log: it subscribes to the hub first, replays the events
// after `after` (when not nil) with ReadAfter, then goes live, skipping what the replay already
// sent, so nothing is lost or repeated. send is called for every event in order, from one
// goroutine; it filters and re-authorizes, and returns false to skip the event. The returned
// channel closes when ctx ends or the hub drops a subscriber that fell behind (the client
// resumes with its last cursor).
func Follow[T any](ctx context.Context, hub *Hub, after *Cursor, send func(*Event) (*T, bool)) <-chan *T {
	var last Cursor
	if after != nil {
		last = *after
	}
	sub := hub.Subscribe()
	out := make(chan *T, 16)
	deliver := func(e *Event) bool {
		if !last.Less(CursorOf(e)) {
			return true // already sent by the replay
		}
		last = CursorOf(e)
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
		if after != nil {
			for {
				evs, err := ReadAfter(ctx, hub.db, last, replayPage)
				if err != nil {
					return
				}
				for i := range evs {
					if !deliver(&evs[i]) {
						return
					}
				}
				if len(evs) < replayPage {
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
	return out
}
