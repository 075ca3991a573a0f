-- +goose Up
-- Holders also log in to approve or reject payments on Ponte's approval page.
ALTER TABLE holder_sessions DROP CONSTRAINT holder_sessions_purpose_check;
ALTER TABLE holder_sessions ADD CONSTRAINT holder_sessions_purpose_check CHECK (purpose IN ('consent', 'manage', 'approve'));

-- +goose Down
DELETE FROM holder_sessions WHERE purpose = 'approve';
ALTER TABLE holder_sessions DROP CONSTRAINT holder_sessions_purpose_check;
ALTER TABLE holder_sessions ADD CONSTRAINT holder_sessions_purpose_check CHECK (purpose IN ('consent', 'manage'));
