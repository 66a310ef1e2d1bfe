-- A hidden piece that waits for a moderator's approval (held by pre-moderation or a watched
-- word), told apart from one a moderator hid: its author sees "waiting for approval".
ALTER TABLE contents ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE contents SET held = TRUE
 WHERE hidden_at IS NOT NULL
   AND id IN (SELECT content_id FROM mod_queue
               WHERE resolved_at IS NULL AND reason IN ('held', 'watched') AND content_id IS NOT NULL);
