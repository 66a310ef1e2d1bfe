-- search_docs is unique on (ref_id, kind). The search migration (2026-11-25-000003) first
-- shipped with UNIQUE (kind, ref_id) and was later edited in place, so a database created from
-- the first text still has the old key (lookups by ref_id scan the table there). Drop the old
-- key if it is there and add the current one if it is missing: old and new databases end with
-- the same schema.
ALTER TABLE search_docs DROP CONSTRAINT IF EXISTS search_docs_kind_ref_id_key;
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'search_docs'::regclass AND conname = 'search_docs_ref_id_kind_key'
    ) THEN
        ALTER TABLE search_docs ADD CONSTRAINT search_docs_ref_id_kind_key UNIQUE (ref_id, kind);
    END IF;
END
$$;
