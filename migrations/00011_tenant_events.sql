-- +goose Up

-- A tenant's enablement is a status change like a payment's or a consent's: disabling a tenant
-- (tenants.disabled_at set, today by hand in SQL) appends tenant_disabled to the event log in the
-- same transaction, and enabling it again tenant_enabled. The log's NOTIFY wakes every replica at
-- commit, so each one ends the disabled tenant's open WebSocket and SSE streams at once, whoever
-- made the change and however. These events are no webhooks (the dispatcher sends only the
-- payment and consent events it names).
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant'));

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Delivered at commit, to every replica LISTENing: a wake-up call for the hub, which reads the
    -- log in order, and "id:topic:tenant" for what must not wait for that order: a stream guard
    -- re-judges its caller as soon as the tenant or one of its consents changes.
    PERFORM pg_notify('ponte_events', NEW.id::text || ':' || NEW.topic || ':' || coalesce(NEW.tenant_id::text, ''));
    RETURN NULL;
END;
$$;
CREATE FUNCTION tenants_log_enablement() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER tenants_log_enablement AFTER UPDATE OF disabled_at ON tenants
    FOR EACH ROW EXECUTE FUNCTION tenants_log_enablement();

-- +goose Down
DROP TRIGGER tenants_log_enablement ON tenants;
DROP FUNCTION tenants_log_enablement();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ponte_events', NEW.id::text);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
ALTER TABLE events DISABLE TRIGGER events_append_only;
DELETE FROM events WHERE topic = 'tenant';
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent'));
