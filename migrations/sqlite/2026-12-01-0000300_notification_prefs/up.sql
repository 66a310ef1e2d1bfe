-- What a member wants to hear about: per notification kind, 'site' (in-site only), 'email'
-- (in-site and an e-mail copy) or 'off'; the row with kind 'digest' says how e-mail copies go
-- out: 'immediate', 'daily' or 'weekly'. No row means the default (today's behaviour: in-site,
-- plus e-mail when `users.email_notifications` is on; e-mail sent at once).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Mail copies carry their HTML part and the kind they are about (for List-Unsubscribe);
-- `digest` ('daily' or 'weekly') holds a copy for its recipient's digest until
-- `next_attempt_at`, the end of its period; '' is sent on its own.
ALTER TABLE mail_outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN digest TEXT NOT NULL DEFAULT '';
CREATE INDEX mail_outbox_digest_idx ON mail_outbox (digest, next_attempt_at, user_id);
