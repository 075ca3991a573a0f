-- +goose Up
-- One holder session serves every holder page: the pages find it by the browser's cookie
-- (its SHA-256 digest), not by an id in the URL.
CREATE INDEX holder_sessions_cookie ON holder_sessions (cookie_hash);

-- +goose Down
DROP INDEX holder_sessions_cookie;
