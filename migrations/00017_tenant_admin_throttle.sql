-- +goose Up

-- Tenant administration (registerTenant, updateTenant, disableTenant, `ponte tenant add`) and
-- per-tenant throttling by query cost.
--
-- A tenant's leaky bucket: how many cost points it holds and how many it restores per second.
-- NULL: the server's defaults (PONTE_THROTTLE_CAPACITY, PONTE_THROTTLE_RESTORE_RATE).
ALTER TABLE tenants
    ADD COLUMN throttle_capacity     integer CHECK (throttle_capacity BETWEEN 1 AND 1000000),
    ADD COLUMN throttle_restore_rate integer CHECK (throttle_restore_rate BETWEEN 1 AND 1000000);

-- Disabling a tenant is logged by the trigger of 00011, whoever does it. When Ponte does it (an
-- operator's disableTenant) it names the operator, the reason and the request in the
-- transaction's settings ponte.actor, ponte.reason and ponte.request_id (set_config(..., true)),
-- so the one event says who, why and which request; by hand in SQL it stays database:<user>.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tenants_log_enablement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was text := CASE WHEN OLD.disabled_at IS NULL THEN 'ENABLED' ELSE 'DISABLED' END;
    now_ text := CASE WHEN NEW.disabled_at IS NULL THEN 'ENABLED' ELSE 'DISABLED' END;
BEGIN
    IF was <> now_ THEN
        INSERT INTO events (name, topic, tenant_id, from_status, to_status, actor, reason, request_id, occurred_at)
        VALUES ('tenant_' || lower(now_), 'tenant', NEW.id, was, now_,
                coalesce(nullif(current_setting('ponte.actor', true), ''), 'database:' || current_user),
                nullif(current_setting('ponte.reason', true), ''),
                nullif(current_setting('ponte.request_id', true), ''),
                now());
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tenants_log_enablement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was text := CASE WHEN OLD.disabled_at IS NULL THEN 'ENABLED' ELSE 'DISABLED' END;
    now_ text := CASE WHEN NEW.disabled_at IS NULL THEN 'ENABLED' ELSE 'DISABLED' END;
BEGIN
    IF was <> now_ THEN
        INSERT INTO events (name, topic, tenant_id, from_status, to_status, actor, occurred_at)
        VALUES ('tenant_' || lower(now_), 'tenant', NEW.id, was, now_, 'database:' || current_user, now());
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
ALTER TABLE tenants DROP COLUMN throttle_restore_rate, DROP COLUMN throttle_capacity;
