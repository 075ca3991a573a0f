-- +goose Up

-- One wake-up per transaction instead of one per event row. A payment created and executed at
-- once appends four events (approved, two statement entries, finished); with a payload naming
-- each row, PostgreSQL queued four notifications at commit (under its one notification lock) and
-- every replica's hub woke and read the log again for each. Only consent, tenant and contact
-- events need their own "id:topic:tenant" payload (a stream guard re-judges its caller at once,
-- events.Hub.announce); every other event sends the same empty payload, which PostgreSQL
-- delivers once per transaction.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.topic IN ('consent', 'tenant', 'contact') THEN
        PERFORM pg_notify('ponte_events', NEW.id::text || ':' || NEW.topic || ':' || coalesce(NEW.tenant_id::text, ''));
    ELSE
        PERFORM pg_notify('ponte_events', '');
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
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
-- +goose StatementEnd
