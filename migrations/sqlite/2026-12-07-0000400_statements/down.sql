ALTER TABLE boards DROP COLUMN mode_until;
ALTER TABLE boards DROP COLUMN read_only;
ALTER TABLE boards DROP COLUMN slow_mode_seconds;
DROP TABLE statements;
