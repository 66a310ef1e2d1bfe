-- Customer forums (SQLite). migrations/postgres holds the same schema under the same name.

-- Shared by all content: likes are denormalized onto the content row.
ALTER TABLE contents ADD COLUMN like_count INTEGER NOT NULL DEFAULT 0;
-- Opt-in e-mail copies of notifications.
ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE board_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- kind: discussion | questions | reviews | ideas
-- view_access: everyone | members | employees;  post_access: members | employees
-- topic_count, post_count, last_activity_at, last_topic_id are kept in step in the same
-- transaction as every write that changes them.
CREATE TABLE boards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    group_id BIGINT REFERENCES board_groups (id) ON DELETE SET NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    view_access TEXT NOT NULL DEFAULT 'everyone',
    post_access TEXT NOT NULL DEFAULT 'members',
    position INTEGER NOT NULL DEFAULT 0,
    topic_count INTEGER NOT NULL DEFAULT 0,
    post_count INTEGER NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP,
    last_topic_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX boards_group_idx ON boards (group_id, position);

CREATE TABLE topics (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    reply_count INTEGER NOT NULL DEFAULT 0,
    view_count BIGINT NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP NOT NULL,
    last_reply_id BIGINT,
    accepted_reply_id BIGINT,
    first_staff_reply_at TIMESTAMP,
    visible BOOLEAN NOT NULL DEFAULT TRUE
);
-- The board page: pinned first, then newest activity, keyset-paged on (last_activity_at, content_id).
CREATE INDEX topics_board_activity_idx ON topics (board_id, visible, pinned, last_activity_at, content_id);
CREATE INDEX topics_board_accepted_idx ON topics (board_id, visible, accepted_reply_id, last_activity_at);

-- position is the reply's fixed place in its topic (1, 2, 3…), so page URLs never shift.
CREATE TABLE replies (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    topic_id BIGINT NOT NULL REFERENCES topics (content_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (topic_id, position)
);

-- Edit history of any content: the version before each edit.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    content_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    editor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX revisions_content_idx ON revisions (content_id, id);

CREATE TABLE likes (
    content_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (content_id, user_id)
);
CREATE INDEX likes_user_idx ON likes (user_id);

-- target_kind: topic | board
CREATE TABLE subscriptions (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, target_kind, target_id)
);
CREATE INDEX subscriptions_target_idx ON subscriptions (target_kind, target_id);

-- Reviews: products per reviews board, one review per member per product.
CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    review_count INTEGER NOT NULL DEFAULT 0,
    rating_sum INTEGER NOT NULL DEFAULT 0,
    stars_1 INTEGER NOT NULL DEFAULT 0,
    stars_2 INTEGER NOT NULL DEFAULT 0,
    stars_3 INTEGER NOT NULL DEFAULT 0,
    stars_4 INTEGER NOT NULL DEFAULT 0,
    stars_5 INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (board_id, slug)
);

CREATE TABLE reviews (
    topic_id BIGINT PRIMARY KEY NOT NULL REFERENCES topics (content_id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL,
    response_id BIGINT REFERENCES contents (id) ON DELETE SET NULL,
    UNIQUE (product_id, author_id)
);
CREATE INDEX reviews_product_rating_idx ON reviews (product_id, rating);

-- Idea statuses are data: admins may add their own; these are the defaults.
CREATE TABLE idea_statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    is_closed BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO idea_statuses (slug, name_en, name_zh, position, is_default, is_closed) VALUES
    ('new', 'New', '新提议', 1, TRUE, FALSE),
    ('under-review', 'Under review', '评估中', 2, FALSE, FALSE),
    ('planned', 'Planned', '已计划', 3, FALSE, FALSE),
    ('adopted', 'Adopted', '已采纳', 4, FALSE, TRUE),
    ('declined', 'Declined', '未采纳', 5, FALSE, TRUE),
    ('duplicate', 'Duplicate', '重复', 6, FALSE, TRUE);

CREATE TABLE ideas (
    topic_id BIGINT PRIMARY KEY NOT NULL REFERENCES topics (content_id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES idea_statuses (id),
    vote_count INTEGER NOT NULL DEFAULT 0,
    merged_into_id BIGINT REFERENCES topics (content_id) ON DELETE SET NULL,
    status_changed_at TIMESTAMP
);
CREATE INDEX ideas_votes_idx ON ideas (vote_count, topic_id);
CREATE INDEX ideas_status_idx ON ideas (status_id, status_changed_at);

CREATE TABLE idea_votes (
    topic_id BIGINT NOT NULL REFERENCES topics (content_id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);

-- Each status change, with the employee's public note.
CREATE TABLE idea_status_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    topic_id BIGINT NOT NULL REFERENCES topics (content_id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES idea_statuses (id),
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note_md TEXT NOT NULL DEFAULT '',
    note_html TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_status_changes_topic_idx ON idea_status_changes (topic_id, id);
CREATE INDEX idea_status_changes_time_idx ON idea_status_changes (created_at);

-- Outgoing e-mail, written in the same transaction as the notification it copies; a worker
-- delivers it (SMTP when configured, else a file under the data directory) and marks it sent.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (sent_at, next_attempt_at);
