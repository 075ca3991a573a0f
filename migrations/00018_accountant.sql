-- +goose Up

-- Stone's account object has a username (the holder's login name) and enabled. enabled is not
-- stored: it is status <> 'DISABLED'. The username is optional, kept lowercase, unique.
ALTER TABLE accounts ADD COLUMN username text CHECK (username ~ '^[a-z][a-z0-9._-]{2,31}$');
CREATE UNIQUE INDEX accounts_username_key ON accounts (username) WHERE username IS NOT NULL;

-- Every receipt Ponte has issued, by its authentication code, so that verifyReceipt can tell from
-- the code alone which payment it proves. A code is an HMAC and cannot be reversed; the row only
-- points at the payment, and verification recomputes the code from the payment as it stands, so a
-- row by itself proves nothing. A code is stored as 32 uppercase hexadecimal digits, no dashes.
CREATE TABLE issued_receipts (
    code       text PRIMARY KEY CHECK (code ~ '^[0-9A-F]{32}$'),
    payment_id uuid NOT NULL REFERENCES payments (id),
    kind       text NOT NULL CHECK (kind IN ('PAYMENT', 'SCHEDULING', 'REFUND')),
    issued_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX issued_receipts_payment ON issued_receipts (payment_id);

-- +goose Down
DROP TABLE issued_receipts;
DROP INDEX accounts_username_key;
ALTER TABLE accounts DROP COLUMN username;
