-- E-mail verification: accounts made before this migration count as verified.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at;
-- The confusable-insensitive form of the username ("skeleton"): `аdmin` (Cyrillic а) and `admin`
-- share one. Filled by the application for older rows (empty until then, and never unique then).
ALTER TABLE users ADD COLUMN username_skeleton TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_username_skeleton_idx ON users (username_skeleton) WHERE username_skeleton <> '';

-- Single-use links sent by e-mail: password reset, address verification, address change.
-- Only a SHA-256 of the token is stored.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Requests counted against limits that must hold across processes (registrations, reset mails).
CREATE TABLE rate_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_hits_idx ON rate_hits (scope, key, at);
CREATE INDEX login_failures_pair_idx ON login_failures (ip, username_key, failed_at);
