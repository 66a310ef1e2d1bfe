-- Moderation: members flag content and profiles, one review queue gathers what needs a person,
-- every moderator action is logged, and members can be warned, silenced or suspended, with one
-- appeal per sanction.

-- One flag per member per subject (`content:<id>` or `user:<id>`). `user_id` is the member the
-- flag is about (the author, or the profile's owner), never told who flagged.
CREATE TABLE flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subject TEXT NOT NULL,
    content_id BIGINT REFERENCES contents (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    flagger_id BIGINT NOT NULL REFERENCES users (id),
    -- spam, abuse, off_topic, illegal, other
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- what this flag counts towards hiding the subject (from the flagger's standing)
    weight INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- upheld or dismissed, once a moderator decided
    outcome TEXT,
    resolved_at TIMESTAMP,
    UNIQUE (subject, flagger_id)
);
CREATE INDEX flags_subject_idx ON flags (subject, outcome);
CREATE INDEX flags_user_idx ON flags (user_id, outcome);

-- What waits for a moderator. `open_key` is the subject while the entry is open and NULL once
-- it is resolved, so a subject has at most one open entry (many NULLs pass a UNIQUE index).
CREATE TABLE mod_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subject TEXT NOT NULL,
    open_key TEXT UNIQUE,
    content_id BIGINT REFERENCES contents (id),
    -- the member it is about (the author, the profile's owner, who appealed)
    user_id BIGINT REFERENCES users (id),
    appeal_id BIGINT,
    -- flagged, held (pre-moderation), watched (a watched word), appeal
    reason TEXT NOT NULL,
    content_kind TEXT NOT NULL DEFAULT '',
    board_id BIGINT REFERENCES boards (id),
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id),
    resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mod_queue_open_idx ON mod_queue (resolved_at, created_at);
CREATE INDEX mod_queue_content_idx ON mod_queue (content_id);

-- Every moderator action: who (NULL: the site itself, as when flags hide a post), what, to
-- which piece or member, why (`reason`: the public category), a private note, when.
-- `audience_id` is the piece's audience when it was done: the public log names the place only
-- to who may read there.
CREATE TABLE mod_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    moderator_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    content_id BIGINT REFERENCES contents (id),
    user_id BIGINT REFERENCES users (id),
    content_kind TEXT NOT NULL DEFAULT '',
    audience_id BIGINT,
    place TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mod_actions_content_idx ON mod_actions (content_id, id);
CREATE INDEX mod_actions_user_idx ON mod_actions (user_id, id);
CREATE INDEX mod_actions_action_idx ON mod_actions (action, id);

-- Warnings, silences and suspensions. `reason` is shown to the member; `note` only to staff.
-- No `ends_at`: permanent. Lifting (by hand, on appeal, or when it ends) sets `lifted_at`.
CREATE TABLE sanctions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- warn, silence, suspend
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    ends_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lifted_by BIGINT REFERENCES users (id)
);
CREATE INDEX sanctions_user_idx ON sanctions (user_id, id);
CREATE INDEX sanctions_active_idx ON sanctions (lifted_at, ends_at);

-- One appeal per sanction, and its answer.
CREATE TABLE appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    sanction_id BIGINT NOT NULL UNIQUE REFERENCES sanctions (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- lifted or upheld
    outcome TEXT,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP
);

-- The member's standing, read on every request: silenced members read but do not post; a
-- suspension or silence with an end is over at `…_until`.
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMP;
ALTER TABLE users ADD COLUMN silenced_at TIMESTAMP;
ALTER TABLE users ADD COLUMN silenced_until TIMESTAMP;
