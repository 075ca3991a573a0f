-- +goose Up

-- Signed webhooks to tenants (package webhooks). The event log (00007) is the only source: a
-- dispatcher turns each new event into one delivery per matching endpoint, and a River job sends it.

-- Where a tenant wants its events. secret is the Standard Webhooks signing secret ("whsec_" and
-- the base64 of 32 random bytes), kept so Ponte can sign; it is shown to the tenant only when made.
-- A deleted endpoint keeps its row (disabled_at) so that its delivery log stays readable.
CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    event_names text[] NOT NULL DEFAULT '{}', -- the events it wants; empty: every event
    secret      text NOT NULL CHECK (secret LIKE 'whsec\_%'),
    disabled_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at) WHERE disabled_at IS NULL;

-- One delivery per (endpoint, event): the unique key is what makes a second dispatch of the same
-- event a no-op. generation grows with each redelivery, so that a job of an earlier round that
-- runs late changes nothing. tenant_id and event_name are copied from the endpoint and the event
-- (both never change) so that the tenant's log is read without joins.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id),
    event_id         bigint NOT NULL REFERENCES events (id),
    event_name       text NOT NULL,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    generation       integer NOT NULL DEFAULT 1 CHECK (generation > 0),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at  timestamptz,
    next_attempt_at  timestamptz, -- null once SUCCEEDED or FAILED
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_tenant ON webhook_deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Every HTTP attempt, as it happened. Append-only.
CREATE TABLE webhook_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
    attempt     integer NOT NULL CHECK (attempt > 0), -- 1, 2, ... across redeliveries
    attempted_at timestamptz NOT NULL,
    status_code integer,          -- null when no response came (refused, timed out, TLS error)
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    error       text,             -- null on a 2xx answer
    UNIQUE (delivery_id, attempt)
);

-- The dispatcher's position in the event log: everything up to (xid, event_id) has its
-- deliveries. One row, locked by the dispatching transaction, so one dispatcher at a time moves it.
CREATE TABLE webhook_dispatch_cursor (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    xid        xid8 NOT NULL DEFAULT '0',
    event_id   bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO webhook_dispatch_cursor DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION refuse_webhook_attempt_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'webhook_attempts is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER webhook_attempts_append_only BEFORE UPDATE OR DELETE ON webhook_attempts
    FOR EACH ROW EXECUTE FUNCTION refuse_webhook_attempt_change();

-- +goose Down
DROP TABLE webhook_dispatch_cursor;
DROP TABLE webhook_attempts;
DROP FUNCTION refuse_webhook_attempt_change();
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
