-- +goose Up

-- A cash-out: internal transfer, TED or barcode payment, in Stone's status vocabulary.
CREATE TABLE payments (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id             uuid REFERENCES tenants (id),            -- who created it; idempotency scope
    account_id            uuid NOT NULL REFERENCES accounts (id),  -- the account debited
    kind                  text NOT NULL CHECK (kind IN ('INTERNAL_TRANSFER', 'TED', 'BOLETO', 'BARCODE', 'PAYROLL')),
    status                text NOT NULL CHECK (status IN ('CREATED', 'APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY',
                                'FINISHED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'REFUNDED')),
    amount_cents          bigint NOT NULL CHECK (amount_cents > 0),
    fee_cents             bigint NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    description           text,
    scheduled_for         date,                                    -- the day the tenant asked for
    run_on                date NOT NULL,                           -- the São Paulo day it runs
    target                jsonb NOT NULL,                          -- beneficiary or barcode, by kind
    idempotency_key       text NOT NULL,
    request_hash          bytea NOT NULL,
    approval_status       text CHECK (approval_status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED')),
    approval_expires_at   timestamptz,
    approval_decided_at   timestamptz,
    approval_decided_by   text,
    failure_reason        text,
    ledger_transaction_id uuid,
    created_by            text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    CHECK ((approval_status IS NULL) = (approval_expires_at IS NULL))
);
CREATE UNIQUE INDEX payments_idempotency ON payments (tenant_id, idempotency_key) NULLS NOT DISTINCT;
CREATE INDEX payments_account_page ON payments (account_id, created_at DESC, id DESC);
CREATE INDEX payments_awaiting_approval ON payments (approval_expires_at) WHERE status = 'CREATED';
CREATE INDEX payments_due ON payments (run_on) WHERE status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY');

-- Append-only history of every payment status change.
CREATE TABLE payment_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id  uuid NOT NULL REFERENCES payments (id),
    from_status text,
    to_status   text NOT NULL,
    actor       text NOT NULL,
    reason      text,
    request_id  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- +goose StatementBegin
CREATE FUNCTION refuse_payment_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payment_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE ON payment_events
    FOR EACH ROW EXECUTE FUNCTION refuse_payment_event_change();

-- +goose Down
DROP TRIGGER payment_events_append_only ON payment_events;
DROP FUNCTION refuse_payment_event_change();
DROP TABLE payment_events;
DROP TABLE payments;
