package payroll

import "strings"

// Status is a payroll's status (GraphQL PayrollStatus).
type Status string

const (
	StatusCreated         Status = "CREATED"   // created to run today: its job is queued
	StatusScheduled       Status = "SCHEDULED" // created to run on a later day; may be cancelled until then
	StatusProcessing      Status = "PROCESSING"
	StatusFinished        Status = "FINISHED"         // every salary FINISHED
	StatusPartiallyFailed Status = "PARTIALLY_FAILED" // every salary ran, and at least one FAILED
	StatusCancelled       Status = "CANCELLED"
)

// transitions is the payroll's status machine.
var transitions = map[Status][]Status{
	StatusCreated:    {StatusProcessing},
	StatusScheduled:  {StatusProcessing, StatusCancelled},
	StatusProcessing: {StatusFinished, StatusPartiallyFailed},
}

func canMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// EventCreated is the event of a new payroll, whether it runs now (CREATED) or later (SCHEDULED).
const EventCreated = "payroll_created"

// EventName is the event log's (and the webhooks') name of a move to status to:
// payroll_processing, payroll_finished, payroll_partially_failed, payroll_cancelled.
func EventName(to Status) string { return "payroll_" + strings.ToLower(string(to)) }

// EventNames are every payroll event name.
func EventNames() []string {
	return []string{EventCreated, EventName(StatusProcessing), EventName(StatusFinished), EventName(StatusPartiallyFailed), EventName(StatusCancelled)}
}
