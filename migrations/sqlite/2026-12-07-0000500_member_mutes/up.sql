-- A member's own choice about another: `mute` (no notifications from them: mentions, quotes,
-- replies, likes) or `ignore` (that, and their posts collapsed on every page). Private: only
-- the member who chose sees it.
CREATE TABLE member_mutes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    other_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, other_id)
);
CREATE INDEX member_mutes_other ON member_mutes (other_id);
