-- +goose Up

-- An account's owner never changes and an account is never deleted (a bank closes or disables an
-- account; its history stays). The authorizer relies on it: it remembers each account's owner
-- once read (auth.ownerCache), so the database refuses what would make that memory wrong, even by
-- hand in SQL.
-- +goose StatementBegin
CREATE FUNCTION refuse_account_owner_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an account''s owner never changes and an account is never deleted'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER accounts_owner_immutable BEFORE UPDATE OF owner_tenant_id ON accounts
    FOR EACH ROW WHEN (OLD.owner_tenant_id IS DISTINCT FROM NEW.owner_tenant_id)
    EXECUTE FUNCTION refuse_account_owner_change();
CREATE TRIGGER accounts_never_deleted BEFORE DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION refuse_account_owner_change();

-- +goose Down
DROP TRIGGER accounts_never_deleted ON accounts;
DROP TRIGGER accounts_owner_immutable ON accounts;
DROP FUNCTION refuse_account_owner_change();
