-- search_docs is unique on (ref_id, kind). The search migration (2026-11-25-000003) first
-- shipped with UNIQUE (kind, ref_id) and was later edited in place, so a database created from
-- the first text still has the old key (lookups by ref_id scan the table there). SQLite cannot
-- drop a table's UNIQUE constraint: the table is built again with the current definition, which
-- gives every database, old or new, the same schema. Ids are kept (search_fts rows are keyed
-- by them).
CREATE TABLE search_docs_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    parent_id BIGINT,
    author_id BIGINT,
    place_kind TEXT NOT NULL DEFAULT '',
    place_id BIGINT,
    published_at TIMESTAMP NOT NULL,
    audience_id BIGINT NOT NULL DEFAULT 1,
    UNIQUE (ref_id, kind)
);
INSERT INTO search_docs_new (id, kind, ref_id, parent_id, author_id, place_kind, place_id, published_at, audience_id)
    SELECT id, kind, ref_id, parent_id, author_id, place_kind, place_id, published_at, audience_id FROM search_docs;
-- New ids continue after the old table's highest, as they would have.
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'search_docs'), 0))
    WHERE name = 'search_docs_new';
DROP TABLE search_docs;
ALTER TABLE search_docs_new RENAME TO search_docs;
CREATE INDEX search_docs_parent_idx ON search_docs (parent_id);
CREATE INDEX search_docs_place_idx ON search_docs (place_kind, place_id);
