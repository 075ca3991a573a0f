-- +goose Up

-- Cash-in events (issue 13): every statement entry the ledger writes on a customer account
-- appends one event to the log in the same transaction (topic statement_entry), so that an ERP
-- hears of money coming in (cash_in_internal_transfer, cash_in_external_transfer, ...) and of
-- every other entry (statement_entry_added) without polling the statement.
--
-- Such an event names no tenant (tenant_id stays null): it concerns every tenant that reaches
-- the account, which auth decides when the event is delivered. entry_id is the ledger entry;
-- detail is what the entry says (kind, direction, amount, counterparty...), as webhooks send it.
ALTER TABLE events ADD COLUMN entry_id uuid, ADD COLUMN detail jsonb;

-- The topic CHECK gains statement_entry. It is rebuilt from the topics it lists now rather than
-- restated, so that a migration of another feature adding its own topic keeps it.
-- +goose StatementBegin
DO $$
DECLARE
    topics text[];
BEGIN
    SELECT array_agg(DISTINCT m[1]) INTO topics
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') AS m
    WHERE c.conname = 'events_topic_check' AND c.conrelid = 'events'::regclass;
    IF NOT 'statement_entry' = ANY (topics) THEN
        topics := topics || 'statement_entry'::text;
    END IF;
    EXECUTE format('ALTER TABLE events DROP CONSTRAINT events_topic_check, ADD CONSTRAINT events_topic_check CHECK (topic IN (%s))',
        (SELECT string_agg(quote_literal(t), ', ' ORDER BY t) FROM unnest(topics) AS t));
END;
$$;
-- +goose StatementEnd

-- +goose Down

-- +goose StatementBegin
DO $$
DECLARE
    topics text[];
BEGIN
    SELECT array_agg(DISTINCT m[1]) INTO topics
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') AS m
    WHERE c.conname = 'events_topic_check' AND c.conrelid = 'events'::regclass;
    DELETE FROM webhook_deliveries d USING events e WHERE e.id = d.event_id AND e.topic = 'statement_entry';
    ALTER TABLE events DISABLE TRIGGER events_append_only;
    DELETE FROM events WHERE topic = 'statement_entry';
    ALTER TABLE events ENABLE TRIGGER events_append_only;
    EXECUTE format('ALTER TABLE events DROP CONSTRAINT events_topic_check, ADD CONSTRAINT events_topic_check CHECK (topic IN (%s))',
        (SELECT string_agg(quote_literal(t), ', ' ORDER BY t) FROM unnest(topics) AS t WHERE t <> 'statement_entry'));
END;
$$;
-- +goose StatementEnd
ALTER TABLE events DROP COLUMN entry_id, DROP COLUMN detail;
