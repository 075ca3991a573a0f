package jobs

import (
	"context"

	"github.com/riverqueue/river"
)

// PingArgs is a job that does nothing. Jobs registers its worker itself, so that a replica with no
// domain workers yet still starts (River refuses to work with none), takes part in leader election
// and runs River's maintenance; a ping inserted and seen to complete proves the queue end to end.
type PingArgs struct{}

// Kind is the job kind stored in river_job.
func (PingArgs) Kind() string { return "ponte.ping" }

type pingWorker struct {
	river.WorkerDefaults[PingArgs]
}

func (pingWorker) Work(context.Context, *river.Job[PingArgs]) error { return nil }
