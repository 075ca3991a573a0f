-- +goose Up

-- The development OpenID Provider's RSA signing key (PKCS#8, PEM), kept so that a token issued
-- before a restart still verifies after it. One row: the provider in development only. A
-- production server trusts an external issuer and never writes here.
CREATE TABLE dev_signing_keys (
    id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    private_pem text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE dev_signing_keys;
