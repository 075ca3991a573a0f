-- +goose Up

-- Idempotency keys live in two spaces that can never meet: the keys callers give (tenants,
-- operators, the sandbox, the seeds) and the keys of the operations Ponte executes itself (a
-- payment's posting, "payment:<id>", and its refund, "refund:<id>"). Before, both shared
-- (tenant_id, key) with tenant NULL, so an operator's deposit keyed "payment:<id>" took the key
-- first and jammed that payment's execution. The space is the ledger's to decide, from the
-- movement alone (an operation's movement names the operation), never from a caller's input.
ALTER TABLE ledger_idempotency_keys
    ADD COLUMN space text NOT NULL DEFAULT 'caller' CHECK (space IN ('caller', 'operation'));
UPDATE ledger_idempotency_keys k SET space = 'operation'
    FROM ledger_transactions t WHERE t.id = k.transaction_id AND t.operation_id IS NOT NULL;
ALTER TABLE ledger_idempotency_keys DROP CONSTRAINT ledger_idempotency_keys_tenant_key;
ALTER TABLE ledger_idempotency_keys
    ADD CONSTRAINT ledger_idempotency_keys_space_tenant_key UNIQUE NULLS NOT DISTINCT (space, tenant_id, key);

-- +goose Down
-- Fails while a caller's key and an operation's key coincide: they cannot share one space.
ALTER TABLE ledger_idempotency_keys DROP CONSTRAINT ledger_idempotency_keys_space_tenant_key;
ALTER TABLE ledger_idempotency_keys
    ADD CONSTRAINT ledger_idempotency_keys_tenant_key UNIQUE NULLS NOT DISTINCT (tenant_id, key);
ALTER TABLE ledger_idempotency_keys DROP COLUMN space;
