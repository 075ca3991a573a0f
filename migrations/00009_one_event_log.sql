-- +goose Up

-- One event log (issue 10). Every payment and consent transition used to be written twice: to
-- payment_events / consent_events (who, why, which request) and to events (what subscriptions
-- and webhooks read). events now carries the who, why and which request itself, and the two
-- older tables go.
ALTER TABLE events ADD COLUMN actor text, ADD COLUMN reason text, ADD COLUMN request_id text;

-- The old rows, each with the events row written in the same transaction. Both sides were
-- written together since 00007, so the nth-last (payment, from, to) of one side is the nth-last
-- of the other; rows older than the events table have no counterpart (event_id stays null).
CREATE TEMPORARY TABLE old_events ON COMMIT DROP AS
SELECT 'payment'::text AS topic, o.id AS old_id, o.payment_id, NULL::uuid AS consent_id, o.from_status, o.to_status,
       o.actor, o.reason, o.request_id, o.created_at, NULL::bigint AS event_id,
       row_number() OVER (PARTITION BY o.payment_id, coalesce(o.from_status, ''), o.to_status ORDER BY o.id DESC) AS nth
FROM payment_events o
UNION ALL
SELECT 'consent', o.id, NULL, o.consent_id, o.from_status, o.to_status,
       o.actor, o.reason, o.request_id, o.created_at, NULL,
       row_number() OVER (PARTITION BY o.consent_id, coalesce(o.from_status, ''), o.to_status ORDER BY o.id DESC)
FROM consent_events o;

UPDATE old_events o SET event_id = e.id
FROM (SELECT id, topic, coalesce(payment_id, consent_id) AS subject, from_status, to_status,
             row_number() OVER (PARTITION BY topic, coalesce(payment_id, consent_id), coalesce(from_status, ''), to_status
                                ORDER BY id DESC) AS nth
      FROM events) e
WHERE e.topic = o.topic AND e.subject = coalesce(o.payment_id, o.consent_id)
  AND coalesce(e.from_status, '') = coalesce(o.from_status, '') AND e.to_status = o.to_status AND e.nth = o.nth;

ALTER TABLE events DISABLE TRIGGER events_append_only;

UPDATE events e SET actor = o.actor, reason = o.reason, request_id = o.request_id
FROM old_events o WHERE o.event_id = e.id;

-- Rows from before the events table join the log as they were, at xid 0: before every cursor a
-- subscriber or the webhook dispatcher holds, so they are kept for the audit but never announced
-- now (they never were).
INSERT INTO events (xid, name, topic, tenant_id, account_id, payment_id, from_status, to_status, occurred_at, actor, reason, request_id)
SELECT '0'::xid8,
       'cash_out_' || CASE p.kind WHEN 'INTERNAL_TRANSFER' THEN 'internal_transfer' WHEN 'TED' THEN 'external_transfer'
                                  WHEN 'PAYROLL' THEN 'payroll' ELSE 'payment' END || '_' || lower(o.to_status),
       'payment', p.tenant_id, p.account_id, o.payment_id, o.from_status, o.to_status, o.created_at, o.actor, o.reason, o.request_id
FROM old_events o JOIN payments p ON p.id = o.payment_id
WHERE o.topic = 'payment' AND o.event_id IS NULL
ORDER BY o.old_id;

INSERT INTO events (xid, name, topic, tenant_id, account_id, consent_id, from_status, to_status, occurred_at, actor, reason, request_id)
SELECT '0'::xid8, 'consent_' || lower(o.to_status), 'consent', c.tenant_id, c.account_id, o.consent_id,
       o.from_status, o.to_status, o.created_at, o.actor, o.reason, o.request_id
FROM old_events o JOIN consents c ON c.id = o.consent_id
WHERE o.topic = 'consent' AND o.event_id IS NULL
ORDER BY o.old_id;

-- A dispatcher that never ran (its cursor still at xid 0) passes them too.
UPDATE webhook_dispatch_cursor c SET event_id = o.max_id, updated_at = now()
FROM (SELECT max(id) AS max_id FROM events WHERE xid = '0'::xid8) o
WHERE c.xid = '0'::xid8 AND o.max_id > c.event_id;

-- Events written by nothing that knew its actor (none in production: every writer wrote both).
UPDATE events SET actor = 'unknown' WHERE actor IS NULL;

ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events ALTER COLUMN actor SET NOT NULL;

-- Append-only also against TRUNCATE, as the ledger is.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

DROP TABLE payment_events;
DROP FUNCTION refuse_payment_event_change();
DROP TABLE consent_events;
DROP FUNCTION refuse_consent_event_change();

-- +goose Down

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

CREATE TABLE consent_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consent_id  uuid NOT NULL REFERENCES consents (id),
    from_status text,
    to_status   text NOT NULL,
    actor       text NOT NULL,
    reason      text,
    request_id  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_consent ON consent_events (consent_id, id);
-- +goose StatementBegin
CREATE FUNCTION refuse_consent_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION refuse_consent_event_change();

INSERT INTO payment_events (payment_id, from_status, to_status, actor, reason, request_id, created_at)
SELECT e.payment_id, e.from_status, e.to_status, e.actor, e.reason, e.request_id, e.occurred_at
FROM events e JOIN payments p ON p.id = e.payment_id
WHERE e.topic = 'payment'
ORDER BY e.xid, e.id;

INSERT INTO consent_events (consent_id, from_status, to_status, actor, reason, request_id, created_at)
SELECT e.consent_id, e.from_status, e.to_status, e.actor, e.reason, e.request_id, e.occurred_at
FROM events e JOIN consents c ON c.id = e.consent_id
WHERE e.topic = 'consent'
ORDER BY e.xid, e.id;

-- The rows the Up brought in from the old tables (xid 0) leave the log again, unless a webhook
-- was sent for one.
DROP TRIGGER events_no_truncate ON events;
ALTER TABLE events DISABLE TRIGGER events_append_only;
DELETE FROM events e WHERE e.xid = '0'::xid8
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id);
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events DROP COLUMN actor, DROP COLUMN reason, DROP COLUMN request_id;
