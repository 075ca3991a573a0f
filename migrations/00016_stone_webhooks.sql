-- +goose Up

-- Webhooks in Stone's format beside Standard Webhooks (package webhooks, issue 17). A STONE endpoint
-- has no HMAC secret: its deliveries are signed with Ponte's RSA key (webhook_signing_keys) and
-- encrypted to the tenant's RSA public key, kept here as a public JWK.
ALTER TABLE webhook_endpoints
    ADD COLUMN format text NOT NULL DEFAULT 'STANDARD' CHECK (format IN ('STANDARD', 'STONE')),
    ADD COLUMN public_key jsonb,
    ALTER COLUMN secret DROP NOT NULL,
    ADD CONSTRAINT webhook_endpoints_format_credentials CHECK (
        (format = 'STANDARD' AND secret IS NOT NULL AND public_key IS NULL) OR
        (format = 'STONE' AND secret IS NULL AND public_key IS NOT NULL));

-- Ponte's keys that sign STONE deliveries, published at GET /api/v1/discovery/keys. One key signs
-- at a time (retired_at IS NULL); a retired key stays published until published_until, so that a
-- receiver that cached the JWKS keeps verifying what was signed just before a rotation. The private
-- key is sealed (AES-256-GCM under a key derived from PONTE_WEBHOOK_KEY_SECRET, the kid as
-- additional data): a copy of the database alone signs nothing.
CREATE TABLE webhook_signing_keys (
    kid             text PRIMARY KEY CHECK (kid <> ''),
    public_jwk      jsonb NOT NULL,
    private_sealed  bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL CHECK (created_by <> ''),
    retired_at      timestamptz,
    published_until timestamptz,
    CHECK ((retired_at IS NULL) = (published_until IS NULL))
);
CREATE UNIQUE INDEX webhook_signing_keys_one_active ON webhook_signing_keys ((true)) WHERE retired_at IS NULL;

-- +goose Down
DROP TABLE webhook_signing_keys;
ALTER TABLE webhook_attempts DISABLE TRIGGER webhook_attempts_append_only;
DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT d.id FROM webhook_deliveries d
    JOIN webhook_endpoints ep ON ep.id = d.endpoint_id WHERE ep.format = 'STONE');
ALTER TABLE webhook_attempts ENABLE TRIGGER webhook_attempts_append_only;
DELETE FROM webhook_deliveries WHERE endpoint_id IN (SELECT id FROM webhook_endpoints WHERE format = 'STONE');
DELETE FROM webhook_endpoints WHERE format = 'STONE';
ALTER TABLE webhook_endpoints
    DROP CONSTRAINT webhook_endpoints_format_credentials,
    ALTER COLUMN secret SET NOT NULL,
    DROP COLUMN public_key,
    DROP COLUMN format;
