-- +goose Up

-- Contacts (favorecidos, issue 14): the payees an account's tenant pays again and again. A contact
-- belongs to one account; one contact per document on an account, and each of its bank accounts
-- once. A bank account is at an STR participant (ispb; bank_code and bank_name as the Banco
-- Central's list had them when it was saved) or at Ponte itself (ISPB 16501555, code 197): a
-- Ponte payee, named by its account code alone. Payments copy their target when created, so
-- nothing here is ever read again by a payment that exists.
CREATE TABLE contacts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id    uuid NOT NULL REFERENCES accounts (id),
    name          text NOT NULL,
    document      text NOT NULL,
    document_type text NOT NULL CHECK (document_type IN ('CPF', 'CNPJ')),
    email         text,
    mobile_number text,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT contacts_account_document UNIQUE (account_id, document)
);
-- An account's contacts, newest first (the connection's keyset).
CREATE INDEX contacts_account_page ON contacts (account_id, created_at DESC, id DESC);

CREATE TABLE contact_bank_accounts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id   uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    ispb         text NOT NULL CHECK (ispb ~ '^[0-9]{8}$'),
    bank_code    text,
    bank_name    text NOT NULL,
    branch_code  text,
    account_code text NOT NULL,
    account_type text CHECK (account_type IN ('CC', 'CD', 'CG', 'CI', 'PG', 'PP')),
    created_at   timestamptz NOT NULL,
    CONSTRAINT contact_bank_accounts_once UNIQUE NULLS NOT DISTINCT (contact_id, ispb, branch_code, account_code)
);
CREATE INDEX contact_bank_accounts_account_code ON contact_bank_accounts (account_code);

-- Contact changes join the one event log: contact_created, contact_updated, contact_deleted.
ALTER TABLE events ADD COLUMN contact_id uuid;
CREATE INDEX events_contact ON events (contact_id, id) WHERE contact_id IS NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant', 'boleto', 'statement_entry', 'contact'));

-- +goose Down
-- Contact events leave the log, with the webhook deliveries (and their attempts) sent for them.
ALTER TABLE webhook_attempts DISABLE TRIGGER webhook_attempts_append_only;
DELETE FROM webhook_attempts a USING webhook_deliveries d, events e
    WHERE a.delivery_id = d.id AND d.event_id = e.id AND e.topic = 'contact';
ALTER TABLE webhook_attempts ENABLE TRIGGER webhook_attempts_append_only;
DELETE FROM webhook_deliveries d USING events e WHERE d.event_id = e.id AND e.topic = 'contact';
ALTER TABLE events DISABLE TRIGGER events_append_only;
DELETE FROM events WHERE topic = 'contact';
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events DROP CONSTRAINT events_topic_check,
    ADD CONSTRAINT events_topic_check CHECK (topic IN ('payment', 'consent', 'tenant', 'boleto', 'statement_entry'));
DROP INDEX events_contact;
ALTER TABLE events DROP COLUMN contact_id;
DROP TABLE contact_bank_accounts;
DROP TABLE contacts;
