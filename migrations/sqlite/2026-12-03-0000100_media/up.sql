-- Media: pictures, sound and video. A media item is a `contents` row (kind 'media': its author,
-- its state, hidden or deleted by moderators like any content) with a `media` row naming the file
-- it shows. Files are stored once per distinct upload (by the SHA-256 of the uploaded bytes), as
-- objects named by the SHA-256 of their own bytes: the renditions of a picture, or the sound or
-- video file as it came.
CREATE TABLE media_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    source_sha256 TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL,
    mime TEXT NOT NULL,
    source_bytes BIGINT NOT NULL,
    stored_bytes BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    duration_ms BIGINT,
    animated BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE media_renditions (
    file_id BIGINT NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    object_key TEXT NOT NULL,
    mime TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    PRIMARY KEY (file_id, name)
);
CREATE INDEX media_renditions_object_idx ON media_renditions (object_key);

CREATE TABLE media (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    file_id BIGINT NOT NULL REFERENCES media_files (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_file_idx ON media (file_id);
-- A member's library, newest first, and what they uploaded today (the daily quota).
CREATE INDEX media_author_idx ON media (author_id, created_at, content_id);

-- Which media a piece of content shows (kept by the unit of work from its body): the library's
-- "used in", and who may fetch a file (whoever may read a piece that shows it).
CREATE TABLE content_media (
    content_id BIGINT NOT NULL REFERENCES contents (id),
    media_id BIGINT NOT NULL REFERENCES media (content_id),
    PRIMARY KEY (content_id, media_id)
);
CREATE INDEX content_media_media_idx ON content_media (media_id, content_id);

ALTER TABLE users ADD COLUMN avatar_media_id BIGINT;

-- Objects no file uses any more, removed by the worker once `due_at` has passed and nothing
-- uses them again by then.
CREATE TABLE media_trash (
    object_key TEXT PRIMARY KEY NOT NULL,
    due_at TIMESTAMP NOT NULL
);
