-- +goose Up

-- The event log: every status change of a payment or a consent, written in the same transaction
-- as the change. Subscriptions and webhooks read it; nothing else is their source.
--
-- Readers page by (xid, id) and only read events whose transaction is older than every
-- transaction still running (xid < pg_snapshot_xmin(pg_current_snapshot())): an id is taken at
-- insert but becomes visible at commit, so reading by id alone could skip an event that commits
-- after a later one. Below the snapshot's xmin nothing can still appear.
CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    name        text NOT NULL,          -- e.g. cash_out_internal_transfer_approved, consent_authorised
    topic       text NOT NULL CHECK (topic IN ('payment', 'consent')),
    tenant_id   uuid,                   -- the tenant the event concerns (payment creator, consent holder)
    account_id  uuid,
    payment_id  uuid,
    consent_id  uuid,
    from_status text,
    to_status   text NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX events_order ON events (xid, id);
CREATE INDEX events_payment ON events (payment_id, id) WHERE payment_id IS NOT NULL;
CREATE INDEX events_consent ON events (consent_id, id) WHERE consent_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Delivered at commit, to every replica LISTENing: the payload is only a wake-up call.
    PERFORM pg_notify('ponte_events', NEW.id::text);
    RETURN NULL;
END;
$$;
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_notify();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

-- +goose Down
DROP TABLE events;
DROP FUNCTION events_notify();
DROP FUNCTION refuse_event_change();
