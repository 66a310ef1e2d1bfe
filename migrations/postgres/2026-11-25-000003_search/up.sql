-- The search index: one row per searchable thing (a published post, comment, topic or reply, or
-- a person) that says who may see it and where it lives, with its words as a tsvector. Only
-- visible content has a row. Rows are written in the same transaction as the content.
-- kind: post | comment | topic | reply | person; ref_id: contents.id (users.id for a person).
-- access: 0 everyone, 1 logged-in members, 2 staff (an employees-only board).
-- tsv: Chinese is segmented by jieba before to_tsvector ('english' stems the English words);
-- title weighs A, tags B, body D.
CREATE TABLE search_docs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    parent_id BIGINT,
    author_id BIGINT,
    place_kind TEXT NOT NULL DEFAULT '',
    place_id BIGINT,
    access INTEGER NOT NULL DEFAULT 0,
    published_at TIMESTAMP NOT NULL,
    tsv TSVECTOR NOT NULL,
    UNIQUE (ref_id, kind)
);
CREATE INDEX search_docs_parent_idx ON search_docs (parent_id);
CREATE INDEX search_docs_place_idx ON search_docs (place_kind, place_id);
CREATE INDEX search_docs_tsv_idx ON search_docs USING GIN (tsv);

CREATE TABLE search_outbox (
    id BIGSERIAL PRIMARY KEY,
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
