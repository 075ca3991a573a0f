-- +goose Up
-- The payments table is the queue of the payments that wait (approved by the holder, scheduled,
-- delayed to the TED window, barcode payments): due_at is when the batch runner may next take
-- one (queue time, not the payments' calendar clock), run_attempts how many of its executions
-- failed for a technical reason (each backs it off). NULL due_at: not the runner's (instant
-- transfers run in their creating transaction; a payroll's salaries run in the payroll's job).
-- trace_parent is the W3C trace context of the request that queued it, so that its execution
-- continues that trace as a River job's did.
ALTER TABLE payments ADD COLUMN due_at timestamptz, ADD COLUMN run_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN trace_parent text;
-- The runner claims the earliest due with FOR UPDATE SKIP LOCKED on this index: it holds only
-- the payments waiting to run, so its size is the backlog, not the table.
CREATE INDEX payments_queue ON payments (due_at)
    WHERE due_at IS NOT NULL AND status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY');
-- Payments that were waiting for a River job (payment_execute) are queued here too: due now (a
-- runner finds one whose day has not come and sets its due time), and the old job, if it runs,
-- finds the payment already run.
UPDATE payments SET due_at = now()
    WHERE status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY') AND kind <> 'PAYROLL';

-- +goose Down
DROP INDEX payments_queue;
ALTER TABLE payments DROP COLUMN due_at, DROP COLUMN run_attempts, DROP COLUMN trace_parent;
