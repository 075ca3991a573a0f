-- +goose Up

-- A tenant is an ERP or accounting platform: an OAuth client of the OpenID Provider, known by
-- the access token's client_id (azp).
CREATE TABLE tenants (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id      text NOT NULL UNIQUE CHECK (client_id <> ''),
    name           text NOT NULL CHECK (name <> ''),
    allowed_scopes text[] NOT NULL DEFAULT '{}',
    redirect_uris  text[] NOT NULL DEFAULT '{}',
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Movement limits in centavos; a plan is assigned when KYC approves an account.
CREATE TABLE limit_plans (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL UNIQUE CHECK (name <> ''),
    daily_cents   bigint NOT NULL CHECK (daily_cents >= 0),
    monthly_cents bigint NOT NULL CHECK (monthly_cents >= daily_cents),
    created_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO limit_plans (name, daily_cents, monthly_cents) VALUES ('standard', 5000000, 20000000);

-- An account is a person (CPF) or a company (CNPJ) going through KYC. status holds the KYC
-- outcome; MISSING_MOVEMENT_LIMIT_PLAN is derived (APPROVED with no plan), never stored.
CREATE TABLE accounts (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_tenant_id        uuid REFERENCES tenants (id),
    name                   text NOT NULL CHECK (name <> ''),
    email                  text NOT NULL CHECK (email <> ''),
    mobile_number          text,
    date_of_birth          date,
    document               text NOT NULL CHECK (document ~ '^[0-9A-Z]{11}$|^[0-9A-Z]{14}$'),
    document_type          text NOT NULL CHECK (document_type IN ('CPF', 'CNPJ')),
    status                 text NOT NULL CHECK (status IN ('LAST_KYC_NOT_APPROVED', 'APPROVED', 'DISABLED', 'BLOCKED')),
    requested_account_type text NOT NULL DEFAULT 'PG' CHECK (requested_account_type IN ('PG', 'CC')),
    limit_plan_id          uuid REFERENCES limit_plans (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
-- One account per document, ever: a BLOCKED document keeps its row and so can never reapply.
CREATE UNIQUE INDEX accounts_document_key ON accounts (document);
CREATE INDEX accounts_owner_page ON accounts (owner_tenant_id, created_at, id);

-- Account numbers come from a sequence; the check digit is computed in Go.
CREATE SEQUENCE bank_account_number_seq START 100000 MAXVALUE 9999999;

-- The payment account created when KYC approves an account.
CREATE TABLE bank_accounts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id       uuid NOT NULL UNIQUE REFERENCES accounts (id),
    branch_code      text NOT NULL,
    account_code     text NOT NULL UNIQUE,
    account_type     text NOT NULL CHECK (account_type IN ('CC', 'CD', 'CG', 'CI', 'PG', 'PP')),
    institution_name text NOT NULL,
    institution_ispb text NOT NULL CHECK (institution_ispb ~ '^[0-9]{8}$'),
    institution_code text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Append-only record of every KYC decision: who decided what, when, and why.
CREATE TABLE kyc_reviews (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  uuid NOT NULL REFERENCES accounts (id),
    decision    text NOT NULL CHECK (decision IN ('APPROVE', 'BLOCK', 'DISABLE')),
    from_status text NOT NULL,
    to_status   text NOT NULL,
    reason      text,
    reviewer    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kyc_reviews_account ON kyc_reviews (account_id, created_at);

-- +goose Down
DROP TABLE kyc_reviews;
DROP TABLE bank_accounts;
DROP SEQUENCE bank_account_number_seq;
DROP TABLE accounts;
DROP TABLE limit_plans;
DROP TABLE tenants;
