-- +goose Up

-- The double-entry ledger. Every movement is one ledger_transactions row and two or more
-- ledger_entries (postings) whose signed amounts sum to zero: positive credits a ledger account,
-- negative debits it. Balances live on ledger_accounts and change in the same database
-- transaction as the entries, so each one always equals the sum of its entries.

-- A ledger account: one per customer account (created on its first movement) and one per system
-- account of the bank: SETTLEMENT (money entering or leaving the institution through TED and
-- barcode payments; it runs negative as customers receive money from outside) and FEE_INCOME.
CREATE TABLE ledger_accounts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind            text NOT NULL CHECK (kind IN ('CUSTOMER', 'SETTLEMENT', 'FEE_INCOME')),
    account_id      uuid UNIQUE REFERENCES accounts (id),
    available_cents bigint NOT NULL DEFAULT 0,
    blocked_cents   bigint NOT NULL DEFAULT 0,
    scheduled_cents bigint NOT NULL DEFAULT 0,  -- informative (Stone: payments scheduled, not yet debited)
    last_entry_at   timestamptz,                -- occurred_at of the newest entry: entries never go back in time
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_accounts_customer_has_account CHECK ((kind = 'CUSTOMER') = (account_id IS NOT NULL)),
    -- The last guard against an overdraft: Go checks first and answers INSUFFICIENT_FUNDS.
    CONSTRAINT ledger_accounts_customer_not_negative CHECK (
        kind <> 'CUSTOMER' OR (available_cents >= 0 AND blocked_cents >= 0 AND scheduled_cents >= 0))
);
CREATE UNIQUE INDEX ledger_accounts_one_per_system_kind ON ledger_accounts (kind) WHERE kind <> 'CUSTOMER';
INSERT INTO ledger_accounts (kind) VALUES ('SETTLEMENT'), ('FEE_INCOME');

-- One movement: a deposit, a transfer, a payment, a refund. operation_id points at the object
-- another package owns (a payment) when there is one; otherwise the transaction is the operation.
CREATE TABLE ledger_transactions (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee')),
    tenant_id    uuid REFERENCES tenants (id),
    operation_id uuid,
    description  text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()  -- the database's clock: when it was really written
);
CREATE INDEX ledger_transactions_operation ON ledger_transactions (operation_id) WHERE operation_id IS NOT NULL;

-- Postings, which are also the statement entries of their ledger account. Append-only: a
-- correction is a new transaction. ids are generated in Go (UUIDv7, in posting order), so that
-- (occurred_at, id) orders the entries of one account exactly as their balances changed.
CREATE TABLE ledger_entries (
    id                   uuid PRIMARY KEY,
    transaction_id       uuid NOT NULL REFERENCES ledger_transactions (id),
    ledger_account_id    uuid NOT NULL REFERENCES ledger_accounts (id),
    occurred_at          timestamptz NOT NULL,
    amount_cents         bigint NOT NULL CHECK (amount_cents <> 0),
    balance_before_cents bigint NOT NULL,
    balance_after_cents  bigint NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('internal', 'external', 'external_refund', 'payment', 'payment_refund', 'fee')),
    description          text NOT NULL,
    fee_cents            bigint NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    counterparty         jsonb,
    CONSTRAINT ledger_entries_balance_chain CHECK (balance_after_cents = balance_before_cents + amount_cents)
);
-- Statements: newest first, keyset on (occurred_at, id).
CREATE INDEX ledger_entries_statement ON ledger_entries (ledger_account_id, occurred_at DESC, id DESC);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

-- +goose StatementBegin
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'correct a movement with a new, opposite transaction';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Go checks that a transaction's postings sum to zero before writing them; this deferred check
-- at commit makes the database refuse any writer that forgot to.
-- +goose StatementBegin
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    postings int;
BEGIN
    SELECT COALESCE(SUM(amount_cents), 0), count(*) INTO total, postings
      FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 OR postings < 2 THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced: % postings sum to %', NEW.transaction_id, postings, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- +goose StatementBegin
CREATE FUNCTION ledger_check_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM ledger_entries WHERE transaction_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two postings', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER ledger_transactions_have_postings AFTER INSERT ON ledger_transactions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_has_postings();

-- Idempotency of money movements: one key per tenant (NULL tenant: the bank's own operators and
-- the sandbox) ever names one transaction. request_hash tells a replay from a reused key. A key
-- is claimed inside the movement's transaction, so a failed movement leaves no key behind.
CREATE TABLE ledger_idempotency_keys (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid REFERENCES tenants (id),
    key            text NOT NULL CHECK (length(key) BETWEEN 1 AND 72),
    request_hash   bytea NOT NULL,
    -- Deferred: the key is claimed first (it serialises duplicates), the transaction written last.
    transaction_id uuid NOT NULL UNIQUE REFERENCES ledger_transactions (id) DEFERRABLE INITIALLY DEFERRED,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_idempotency_keys_tenant_key UNIQUE NULLS NOT DISTINCT (tenant_id, key)
);

-- Cash-out consumed per account and São Paulo calendar day; a month's usage is the sum of its
-- days. Rows change only while the account's ledger account is locked.
CREATE TABLE limit_usage (
    account_id uuid NOT NULL REFERENCES accounts (id),
    day        date NOT NULL,
    used_cents bigint NOT NULL CHECK (used_cents >= 0),
    PRIMARY KEY (account_id, day)
);

-- +goose Down
DROP TABLE limit_usage;
DROP TABLE ledger_idempotency_keys;
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP TABLE ledger_accounts;
DROP FUNCTION ledger_check_has_postings();
DROP FUNCTION ledger_check_balanced();
DROP FUNCTION ledger_refuse_change();
