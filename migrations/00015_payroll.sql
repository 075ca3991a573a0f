-- +goose Up

-- A payroll (folha de pagamento, DOMAIN.md §6.10): a Treasury tenant pays the salaries of many
-- people, each to an APPROVED Ponte account whose holder has the CPF the line names. Every salary
-- is a payment of kind PAYROLL (payroll_salaries links each to its line); the payroll row keeps
-- the run's own status, totals and idempotency.
CREATE TABLE payrolls (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),   -- who created it; idempotency scope
    account_id      uuid NOT NULL REFERENCES accounts (id),  -- the paying account (the tenant's own)
    status          text NOT NULL CHECK (status IN ('CREATED', 'SCHEDULED', 'PROCESSING', 'FINISHED', 'PARTIALLY_FAILED', 'CANCELLED')),
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    fee_cents       bigint NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    line_count      integer NOT NULL CHECK (line_count BETWEEN 1 AND 5000),
    description     text,
    scheduled_for   date,                                    -- the day the tenant asked for
    run_on          date NOT NULL,                           -- the São Paulo day it runs
    idempotency_key text NOT NULL,
    request_hash    bytea NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE UNIQUE INDEX payrolls_idempotency ON payrolls (tenant_id, idempotency_key);
CREATE INDEX payrolls_account_page ON payrolls (account_id, created_at DESC, id DESC);

-- One row per line: the salary payment that pays it.
CREATE TABLE payroll_salaries (
    payroll_id uuid NOT NULL REFERENCES payrolls (id),
    line       integer NOT NULL CHECK (line > 0),
    payment_id uuid NOT NULL UNIQUE REFERENCES payments (id),
    PRIMARY KEY (payroll_id, line)
);

-- Payroll status changes join the one event log (payroll_created, payroll_processing,
-- payroll_finished, payroll_partially_failed, payroll_cancelled).
ALTER TABLE events ADD COLUMN payroll_id uuid;
CREATE INDEX events_payroll ON events (payroll_id, id) WHERE payroll_id IS NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant', 'boleto', 'statement_entry', 'contact', 'payroll'));

-- +goose Down
ALTER TABLE events DISABLE TRIGGER events_append_only;
DELETE FROM events WHERE topic = 'payroll';
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant', 'boleto', 'statement_entry', 'contact'));
DROP INDEX events_payroll;
ALTER TABLE events DROP COLUMN payroll_id;
DROP TABLE payroll_salaries;
DROP TABLE payrolls;
