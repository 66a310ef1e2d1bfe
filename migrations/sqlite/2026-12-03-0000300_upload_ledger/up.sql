-- What each member uploaded, kept a day: the daily quota counts what was uploaded, not what is
-- still in the library (deleting a file does not give its bytes back for today).
CREATE TABLE media_uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    byte_size BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_uploads_author_idx ON media_uploads (author_id, created_at);
INSERT INTO media_uploads (author_id, byte_size, created_at) SELECT author_id, byte_size, created_at FROM media;

-- Objects waiting to be swept still take space: the site's total counts them.
ALTER TABLE media_trash ADD COLUMN byte_size BIGINT NOT NULL DEFAULT 0;
