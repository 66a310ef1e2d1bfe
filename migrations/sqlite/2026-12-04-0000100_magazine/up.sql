-- The e-magazine. An issue is a content row (kind `magazine_issue`: its title, the editor's
-- note as its text, published when the issue is); its articles are content rows under it (kind
-- `article`, parent the issue), so publishing the issue puts every article live at once. An
-- article's row holds its approved text; every save is a revision, pending ones only here.
CREATE TABLE magazine_issues (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    number INTEGER NOT NULL UNIQUE,
    theme TEXT NOT NULL DEFAULT '',
    cover_media_id BIGINT REFERENCES media (content_id),
    -- draft → review → scheduled → published
    stage TEXT NOT NULL DEFAULT 'draft',
    publish_at TIMESTAMP
);
CREATE INDEX magazine_issues_stage_idx ON magazine_issues (stage, publish_at);

CREATE TABLE magazine_sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    issue_id BIGINT NOT NULL REFERENCES magazine_issues (content_id),
    title TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX magazine_sections_issue_idx ON magazine_sections (issue_id, position);

CREATE TABLE magazine_articles (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    issue_id BIGINT NOT NULL REFERENCES magazine_issues (content_id),
    section_id BIGINT REFERENCES magazine_sections (id),
    position INTEGER NOT NULL DEFAULT 0,
    slug TEXT NOT NULL,
    -- closed (editors and assigned writers), open (any member), contributions (areas only)
    mode TEXT NOT NULL DEFAULT 'closed',
    -- The revision readers see (its text is the content row's).
    approved_revision_id BIGINT,
    UNIQUE (issue_id, slug)
);
CREATE INDEX magazine_articles_issue_idx ON magazine_articles (issue_id, position);

-- Writers an editor assigned to an article.
CREATE TABLE magazine_writers (
    article_id BIGINT NOT NULL REFERENCES magazine_articles (content_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (article_id, user_id)
);
CREATE INDEX magazine_writers_user_idx ON magazine_writers (user_id);

-- Every save of an article. `base_id`: the revision the writer started from (for conflicts).
CREATE TABLE magazine_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES magazine_articles (content_id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    base_id BIGINT,
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    -- Characters added (negative: removed) against the revision it replaced.
    size_delta INTEGER NOT NULL DEFAULT 0,
    -- approved, pending, rejected
    state TEXT NOT NULL,
    reviewer_id BIGINT REFERENCES users (id),
    review_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    reviewed_at TIMESTAMP
);
CREATE INDEX magazine_revisions_article_idx ON magazine_revisions (article_id, id);
CREATE INDEX magazine_revisions_state_idx ON magazine_revisions (state, id);
CREATE INDEX magazine_revisions_author_idx ON magazine_revisions (author_id, state);
