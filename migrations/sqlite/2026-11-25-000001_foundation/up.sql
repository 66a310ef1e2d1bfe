-- Plaza foundation schema (SQLite). migrations/postgres holds the same schema in PostgreSQL's dialect
-- under the same migration name; keep the two in step.

-- Site-wide key/value settings that every app process must share (e.g. the CSRF signing secret).
CREATE TABLE site_settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- username_key / email_key hold the lowercased forms so uniqueness is case-insensitive on both backends.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    bio_md TEXT NOT NULL DEFAULT '',
    bio_html TEXT NOT NULL DEFAULT '',
    locale TEXT,
    role TEXT NOT NULL DEFAULT 'member',
    suspended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_role_idx ON users (role);

-- Only a SHA-256 of the session token is stored: a leaked table does not leak live sessions.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Failed logins, for rate limiting per account and per IP across all app processes.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_user_idx ON login_failures (username_key, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

-- kind: 'enterprise' (the one company blog), 'staff' (one per employee), 'community' (granted by an admin).
CREATE TABLE blogs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX blogs_kind_idx ON blogs (kind);
CREATE INDEX blogs_owner_idx ON blogs (owner_id);

CREATE TABLE blog_authors (
    blog_id BIGINT NOT NULL REFERENCES blogs (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (blog_id, user_id)
);
CREATE INDEX blog_authors_user_idx ON blog_authors (user_id);

CREATE TABLE blogroll_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    blog_id BIGINT NOT NULL REFERENCES blogs (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX blogroll_links_blog_idx ON blogroll_links (blog_id, position);

-- One row per piece of content of any kind ('post', 'comment'; later 'topic', 'reply', 'article').
-- Tags, feeds, citations, notifications (and later search, flags, revisions) hang off this table.
CREATE TABLE contents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'published',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    edited_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX contents_author_idx ON contents (author_id, kind, published_at);
CREATE INDEX contents_kind_published_idx ON contents (kind, status, published_at);

CREATE TABLE posts (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    blog_id BIGINT NOT NULL REFERENCES blogs (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    excerpt_md TEXT NOT NULL DEFAULT '',
    cover_url TEXT NOT NULL DEFAULT '',
    comments_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    comment_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (blog_id, slug)
);

-- Old slugs keep working: they redirect to the post's current URL.
CREATE TABLE slug_redirects (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    blog_id BIGINT NOT NULL REFERENCES blogs (id) ON DELETE CASCADE,
    old_slug TEXT NOT NULL,
    content_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    UNIQUE (blog_id, old_slug)
);

CREATE TABLE comments (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    subject_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES contents (id) ON DELETE CASCADE
);
CREATE INDEX comments_subject_idx ON comments (subject_id, content_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE content_tags (
    content_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, tag_id)
);
CREATE INDEX content_tags_tag_idx ON content_tags (tag_id, content_id);

CREATE TABLE tag_follows (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, tag_id)
);
CREATE INDEX tag_follows_tag_idx ON tag_follows (tag_id);

-- citing_id's body links to cited_id; recomputed whenever citing_id is saved.
CREATE TABLE citations (
    citing_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    cited_id BIGINT NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    PRIMARY KEY (citing_id, cited_id)
);
CREATE INDEX citations_cited_idx ON citations (cited_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    content_id BIGINT REFERENCES contents (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
