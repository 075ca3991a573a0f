-- +goose Up

-- Receivables (issue 13): boletos an account issues (cobrança, proposta, depósito), their
-- settlement and their place in the one event log.

-- The issuance range of an account that differs from Stone's default (R$ 20.00 to R$ 10,000.00).
CREATE TABLE boleto_limits (
    account_id    uuid PRIMARY KEY REFERENCES accounts (id),
    minimum_cents bigint NOT NULL CHECK (minimum_cents > 0),
    maximum_cents bigint NOT NULL CHECK (maximum_cents <= 9999999999),  -- 10 digits in the barcode
    updated_by    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (minimum_cents <= maximum_cents)
);

-- Our numbers (nosso número) are unique across the bank: one sequence for every account.
CREATE SEQUENCE boleto_our_number_seq;

CREATE TABLE boletos (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id             uuid REFERENCES tenants (id),            -- who issued it; idempotency scope; its ERP hears of it
    account_id            uuid NOT NULL REFERENCES accounts (id),  -- the beneficiary's account, credited on settlement
    kind                  text NOT NULL CHECK (kind IN ('COBRANCA', 'PROPOSTA', 'DEPOSITO')),
    status                text NOT NULL CHECK (status IN ('CREATED', 'REGISTERED', 'SETTLED', 'EXPIRED',
                                'CANCELLATION_REQUESTED', 'CANCELLED')),
    amount_cents          bigint NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 9999999999),
    due_date              date NOT NULL,
    limit_date            date NOT NULL CHECK (limit_date >= due_date),
    our_number            text NOT NULL UNIQUE,
    barcode               text NOT NULL UNIQUE CHECK (barcode ~ '^[0-9]{44}$'),
    typed_line            text NOT NULL CHECK (typed_line ~ '^[0-9]{47}$'),
    customer              jsonb NOT NULL,                          -- the payer named on the slip (sacado)
    beneficiary           jsonb NOT NULL,                          -- the account's holder and bank account at issuance
    fine                  jsonb,                                   -- {rateBp, from}
    interest              jsonb,                                   -- {monthlyRateBp, from}
    discounts             jsonb NOT NULL DEFAULT '[]',             -- [{rateBp, until}]
    description           text,
    idempotency_key       text NOT NULL,
    request_hash          bytea NOT NULL,
    created_by            text NOT NULL,
    issued_at             timestamptz NOT NULL,
    registered_at         timestamptz,
    settled_at            timestamptz,
    expired_at            timestamptz,
    cancelled_at          timestamptz,
    paid_at               timestamptz,                             -- when its payer paid (at Ponte or elsewhere)
    paid_cents            bigint CHECK (paid_cents > 0),
    payer                 jsonb,                                   -- who actually paid
    payment_id            uuid REFERENCES payments (id),           -- the Ponte payment that paid it
    credit_on             date,                                    -- paid elsewhere: the day the clearing credits it
    ledger_transaction_id uuid,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((paid_at IS NULL) = (paid_cents IS NULL)),
    CHECK (status <> 'SETTLED' OR (settled_at IS NOT NULL AND ledger_transaction_id IS NOT NULL))
);
CREATE UNIQUE INDEX boletos_idempotency ON boletos (tenant_id, idempotency_key) NULLS NOT DISTINCT;
CREATE INDEX boletos_account_page ON boletos (account_id, issued_at DESC, id DESC);
CREATE INDEX boletos_open_by_limit ON boletos (limit_date) WHERE status IN ('CREATED', 'REGISTERED');
-- At most one settlement per boleto, whatever races.
CREATE UNIQUE INDEX boletos_one_settlement ON boletos (ledger_transaction_id) WHERE ledger_transaction_id IS NOT NULL;
-- Cancelling looks for payments of a boleto still in flight.
CREATE INDEX payments_barcode_in_flight ON payments ((target ->> 'barcode'))
    WHERE kind = 'BOLETO' AND status IN ('CREATED', 'APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY');

-- Boleto status changes join the event log.
ALTER TABLE events ADD COLUMN boleto_id uuid;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant', 'boleto'));

-- The beneficiary's credit of a settled boleto is its own statement kind.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check,
    ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee', 'boleto_settlement'));
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check,
    ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee', 'boleto_settlement'));

-- +goose Down
-- (The ledger is append-only: going down fails once a boleto has settled, as it should.)
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check,
    ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee'));
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check,
    ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee'));
ALTER TABLE events DISABLE TRIGGER events_append_only;
DELETE FROM events WHERE topic = 'boleto';
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant'));
ALTER TABLE events DROP COLUMN boleto_id;
DROP INDEX payments_barcode_in_flight;
DROP TABLE boletos;
DROP SEQUENCE boleto_our_number_seq;
DROP TABLE boleto_limits;
