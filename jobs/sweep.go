package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// SweepFunc is periodic upkeep: it changes what has come due (consents and approvals past their
// deadline, say) and returns how many rows it changed. It must be safe to run at any time.
type SweepFunc func(ctx context.Context) (changed int, err error)

// SweepArgs is the job of a sweep added with AddSweep.
type SweepArgs struct {
	Name string `json:"name"`
}

// Kind is the job kind stored in river_job.
func (SweepArgs) Kind() string { return "ponte.sweep" }

// sweepOpts: one try (the next tick is the retry) and at most one job of a sweep waiting or
// running at a time, so that a slow sweep or a busy queue never piles them up.
func sweepOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	j *Jobs
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	w.j.mu.Lock()
	sweep := w.j.sweeps[job.Args.Name]
	w.j.mu.Unlock()
	if sweep == nil {
		return river.JobCancel(fmt.Errorf("jobs: no sweep %q on this replica", job.Args.Name))
	}
	n, err := sweep(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.j.log.Info("sweep", "sweep", job.Args.Name, "changed", n)
	}
	return river.RecordOutput(ctx, map[string]int{"changed": n})
}

// AddSweep runs sweep every interval as a periodic job: the leader replica inserts it, any
// replica works it, and one run of a sweep waits or runs at a time. A failed run is logged by
// River and not retried: the next run is the retry. An interval of 0 or less adds nothing. Every
// replica adds the same sweeps, before Start.
func (j *Jobs) AddSweep(name string, interval time.Duration, sweep SweepFunc) error {
	if name == "" || sweep == nil {
		return errors.New("jobs: a sweep needs a name and a function")
	}
	if interval <= 0 {
		return nil
	}
	j.mu.Lock()
	if j.started {
		j.mu.Unlock()
		return fmt.Errorf("jobs: sweep %q added after Start", name)
	}
	if _, dup := j.sweeps[name]; dup {
		j.mu.Unlock()
		return fmt.Errorf("jobs: sweep %q added twice", name)
	}
	j.sweeps[name] = sweep
	j.mu.Unlock()
	return j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{Name: name}, sweepOpts() },
		&river.PeriodicJobOpts{ID: SweepArgs{}.Kind() + "." + name}))
}
