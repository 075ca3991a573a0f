package jobs

import (
	"context"
	"fmt"
	"sync"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// watchBuffer is how many finished jobs a Watcher holds for its reader; River drops events for a
// subscriber whose buffer is full.
const watchBuffer = 10_000

// Watcher follows the jobs one replica finishes, from River's event stream. It is how tests wait
// for background work without sleeping: watch, act, then Next.
type Watcher struct {
	cancel   func()
	finished chan *rivertype.JobRow
	done     chan struct{}
	once     sync.Once
}

// Watch follows the jobs of the given kinds (every kind when none) that this replica finishes from
// now on: completed, discarded after their last attempt, or cancelled. A failed attempt that will
// be retried is not finished. Watch before the jobs can finish (before Start, or before inserting
// them), and Close when done; Stop ends every Watcher.
func (j *Jobs) Watch(kinds ...string) *Watcher {
	events, cancel := j.worker.SubscribeConfig(&river.SubscribeConfig{
		ChanSize: watchBuffer,
		Kinds:    []river.EventKind{river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled},
	})
	want := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		want[k] = true
	}
	w := &Watcher{cancel: cancel, finished: make(chan *rivertype.JobRow, watchBuffer), done: make(chan struct{})}
	go w.run(events, want)
	return w
}

func (w *Watcher) run(events <-chan *river.Event, want map[string]bool) {
	defer close(w.finished)
	for {
		var ev *river.Event
		var ok bool
		select {
		case <-w.done:
			return
		case ev, ok = <-events:
			if !ok {
				return
			}
		}
		if !isFinished(ev) || (len(want) > 0 && !want[ev.Job.Kind]) {
			continue
		}
		select {
		case w.finished <- ev.Job:
		case <-w.done:
			return
		}
	}
}

func isFinished(ev *river.Event) bool {
	switch ev.Kind {
	case river.EventKindJobCompleted, river.EventKindJobCancelled:
		return true
	case river.EventKindJobFailed:
		return ev.Job.State == rivertype.JobStateDiscarded
	}
	return false
}

// Finished delivers each finished job as the replica records it. It is closed by Close and when
// the replica stops.
func (w *Watcher) Finished() <-chan *rivertype.JobRow { return w.finished }

// Next waits for the next n finished jobs and returns them in the order they finished. It fails
// when ctx ends or the replica stops first.
func (w *Watcher) Next(ctx context.Context, n int) ([]*rivertype.JobRow, error) {
	rows := make([]*rivertype.JobRow, 0, n)
	for len(rows) < n {
		select {
		case <-ctx.Done():
			return rows, fmt.Errorf("jobs: %d of %d jobs finished: %w", len(rows), n, ctx.Err())
		case row, ok := <-w.finished:
			if !ok {
				return rows, fmt.Errorf("jobs: watch ended (stopped) after %d of %d jobs", len(rows), n)
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// Close stops following. It is safe to call more than once.
func (w *Watcher) Close() {
	w.once.Do(func() {
		close(w.done)
		w.cancel()
	})
}
