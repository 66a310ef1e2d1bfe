DROP INDEX login_failures_pair_idx;
DROP TABLE rate_hits;
DROP TABLE account_tokens;
DROP INDEX users_username_skeleton_idx;
ALTER TABLE users DROP COLUMN username_skeleton;
ALTER TABLE users DROP COLUMN email_verified_at;
