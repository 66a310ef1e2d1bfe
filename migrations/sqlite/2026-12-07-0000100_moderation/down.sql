ALTER TABLE users DROP COLUMN silenced_until;
ALTER TABLE users DROP COLUMN silenced_at;
ALTER TABLE users DROP COLUMN suspended_until;
DROP TABLE appeals;
DROP TABLE sanctions;
DROP TABLE mod_actions;
DROP TABLE mod_queue;
DROP TABLE flags;
