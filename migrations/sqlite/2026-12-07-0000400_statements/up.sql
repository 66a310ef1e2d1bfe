-- A crisis statement: a banner on every page, in the reader's language when both are given,
-- linking to the full statement; one at a time (publishing withdraws the one before).
CREATE TABLE statements (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    text_en TEXT NOT NULL,
    text_zh TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);

-- A board in slow mode (a member posts there at most once per `slow_mode_seconds`) or read-only
-- (only staff post), until `mode_until` (none: until changed back).
ALTER TABLE boards ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE boards ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE boards ADD COLUMN mode_until TIMESTAMP;
