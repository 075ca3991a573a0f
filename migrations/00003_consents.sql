-- +goose Up

-- People who may act for a company (PJ) account: their CPF is what a holder's login must carry.
CREATE TABLE account_representatives (
    account_id uuid NOT NULL REFERENCES accounts (id),
    document   text NOT NULL CHECK (document ~ '^[0-9]{11}$'),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, document)
);
CREATE INDEX account_representatives_document ON account_representatives (document);

-- A tenant's request to act on a holder's account, and the holder's answer.
CREATE TABLE consents (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid NOT NULL REFERENCES tenants (id),
    account_id          uuid REFERENCES accounts (id),       -- null until the holder picks, when asked by document
    requested_document  text,                                -- the holder's CPF/CNPJ when asked by document
    scopes              text[] NOT NULL CHECK (cardinality(scopes) > 0),
    redirect_uri        text NOT NULL,
    tenant_state        text,
    status              text NOT NULL CHECK (status IN ('AWAITING_AUTHORISATION', 'AUTHORISED', 'REJECTED', 'REVOKED', 'EXPIRED')),
    link_hash           bytea UNIQUE,                        -- sha256 of the single-use authorization link's secret
    link_expires_at     timestamptz NOT NULL,
    link_used_at        timestamptz,
    expires_at          timestamptz NOT NULL,                -- end of the grant
    holder_issuer       text,
    holder_subject      text,
    holder_document     text,
    decided_at          timestamptz,
    revoked_at          timestamptz,
    revoked_by          text,
    revocation_reason   text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (account_id IS NOT NULL OR requested_document IS NOT NULL),
    CHECK (status <> 'AUTHORISED' OR account_id IS NOT NULL)
);
CREATE INDEX consents_tenant_page ON consents (tenant_id, created_at, id);
CREATE INDEX consents_grant ON consents (tenant_id, account_id) WHERE status = 'AUTHORISED';
CREATE INDEX consents_awaiting_deadline ON consents (link_expires_at) WHERE status = 'AWAITING_AUTHORISATION';
CREATE INDEX consents_authorised_deadline ON consents (expires_at) WHERE status = 'AUTHORISED';

-- Append-only history of every consent transition: who, when, from, to, why.
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

-- One holder browser journey (consent decision or "my consents"): the OIDC state, nonce and PKCE
-- verifier, bound to a cookie, then the logged-in holder and the CSRF token of the page it shows.
CREATE TABLE holder_sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    purpose          text NOT NULL CHECK (purpose IN ('consent', 'manage')),
    consent_id       uuid REFERENCES consents (id),
    cookie_hash      bytea NOT NULL,
    state            text NOT NULL UNIQUE,
    nonce            text NOT NULL,
    pkce_verifier    text NOT NULL,
    state_used_at    timestamptz,
    holder_issuer    text,
    holder_subject   text,
    holder_document  text,
    csrf_token       text,
    done_at          timestamptz,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX holder_sessions_expiry ON holder_sessions (expires_at);

-- +goose Down
DROP TABLE holder_sessions;
DROP TRIGGER consent_events_append_only ON consent_events;
DROP TABLE consent_events;
DROP FUNCTION refuse_consent_event_change();
DROP TABLE consents;
DROP TABLE account_representatives;
