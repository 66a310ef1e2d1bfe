DROP INDEX mail_outbox_digest_idx;
ALTER TABLE mail_outbox DROP COLUMN digest;
ALTER TABLE mail_outbox DROP COLUMN kind;
ALTER TABLE mail_outbox DROP COLUMN html;
DROP TABLE notification_prefs;
