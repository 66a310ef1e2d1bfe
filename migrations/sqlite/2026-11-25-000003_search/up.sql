-- The search index: one row per searchable thing (a published post, comment, topic or reply, or
-- a person) that says who may see it and where it lives. Only visible content has a row: drafts,
-- deleted and hidden content are never in the index. Rows are written in the same transaction as
-- the content they describe.
-- kind: post | comment | topic | reply | person; ref_id: contents.id (users.id for a person).
-- access: 0 everyone, 1 logged-in members, 2 staff (an employees-only board).
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    parent_id BIGINT,
    author_id BIGINT,
    place_kind TEXT NOT NULL DEFAULT '',
    place_id BIGINT,
    access INTEGER NOT NULL DEFAULT 0,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (ref_id, kind)
);
CREATE INDEX search_docs_parent_idx ON search_docs (parent_id);
CREATE INDEX search_docs_place_idx ON search_docs (place_kind, place_id);

-- The words: Chinese is segmented by jieba before it gets here (space-separated words), English is
-- stemmed by the porter tokenizer. Contentless: the text lives in `contents`, not twice.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, tags, body,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Changes waiting for an external search engine (Meilisearch): written in the same transaction as
-- the change, sent in batches by a worker, retried with backoff, marked done.
CREATE TABLE search_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    doc_kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claim TEXT NOT NULL DEFAULT '',
    done_at TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_outbox_due_idx ON search_outbox (done_at, next_attempt_at);
