-- A blog that is a podcast: what podcast apps read from its feed (a blog without a row is not).
CREATE TABLE podcasts (
    blog_id BIGINT PRIMARY KEY NOT NULL REFERENCES blogs (id),
    cover_media_id BIGINT REFERENCES media (content_id),
    category TEXT NOT NULL,
    language TEXT NOT NULL,
    author TEXT NOT NULL,
    owner_email TEXT NOT NULL DEFAULT '',
    explicit BOOLEAN NOT NULL DEFAULT FALSE,
    -- Unticked, the details are kept for when it is a podcast again.
    enabled BOOLEAN NOT NULL DEFAULT TRUE
);

-- A post that carries one sound or video file as its episode, with its transcript.
CREATE TABLE episodes (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    media_id BIGINT NOT NULL REFERENCES media (content_id),
    transcript_md TEXT NOT NULL DEFAULT '',
    transcript_html TEXT NOT NULL DEFAULT ''
);
