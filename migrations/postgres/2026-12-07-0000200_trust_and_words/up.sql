-- Trust levels: computed from what a member does (days since joining, topics read, posts,
-- likes received, flags upheld against them), or set and locked by staff. Accounts that exist
-- now count as basic (1); new accounts start at 0.
ALTER TABLE users ADD COLUMN trust_level INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN trust_locked BOOLEAN NOT NULL DEFAULT FALSE;

-- Pre-moderation per board: off, new (level 0 members' posts wait for approval), all (every
-- member's post waits; staff never).
ALTER TABLE boards ADD COLUMN premoderation TEXT NOT NULL DEFAULT 'off';

-- The topics a member has read (once each): "topics read" for trust levels.
CREATE TABLE member_reads (
    user_id BIGINT NOT NULL REFERENCES users (id),
    topic_id BIGINT NOT NULL REFERENCES contents (id),
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, topic_id)
);

-- Words and patterns admins watch, each with what happens to a post that has one: block (the
-- author is told which), hold (for review), replace (with `replacement`), tag (adds a tag).
CREATE TABLE watched_words (
    id BIGSERIAL PRIMARY KEY,
    pattern TEXT NOT NULL,
    is_regex BOOLEAN NOT NULL DEFAULT FALSE,
    action TEXT NOT NULL,
    replacement TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (pattern, is_regex)
);
