-- Every list a page shows reads its page through an index, whatever the size of the site.

-- The lists of a kind of blog (the home page's company, staff and community columns): a post
-- carries its blog's kind, which never changes.
ALTER TABLE contents ADD COLUMN list_key TEXT NOT NULL DEFAULT '';
UPDATE contents SET list_key = 'blog:' || b.kind FROM posts p JOIN blogs b ON b.id = p.blog_id
    WHERE p.content_id = contents.id AND contents.kind = 'post';
CREATE INDEX contents_list_idx ON contents (list_key, kind, live, published_at, id);
-- A blog's posts, a place's pieces, newest first.
CREATE INDEX contents_place_live_idx ON contents (place_kind, place_id, kind, live, published_at, id);
-- Every post of the site, newest first (the site feed).
CREATE INDEX contents_kind_live_idx ON contents (kind, live, published_at, id);
-- A person's posts, newest first (their profile).
CREATE INDEX contents_author_list_idx ON contents (author_id, kind, live, published_at, id);
-- A board's newest topics (its feed).
CREATE INDEX topics_board_created_idx ON topics (board_id, visible, content_id);

-- A tag's pages: the tag row carries what the list needs (kind, whether and to whom the piece is
-- readable, when it was published), kept by the unit of work.
ALTER TABLE content_tags ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE content_tags ADD COLUMN live_audience BIGINT;
ALTER TABLE content_tags ADD COLUMN published_at TIMESTAMP;
UPDATE content_tags SET kind = c.kind, live_audience = CASE WHEN c.live THEN c.audience_id END,
    published_at = c.published_at
    FROM contents c WHERE c.id = content_tags.content_id;
CREATE INDEX content_tags_list_idx ON content_tags (tag_id, kind, published_at, content_id, live_audience);

-- How many readable pieces carry a tag, per audience and kind: the tag cloud without counting.
CREATE TABLE tag_counts (
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    audience_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tag_id, audience_id, kind)
);
INSERT INTO tag_counts (tag_id, audience_id, kind, n)
    SELECT tag_id, live_audience, kind, COUNT(*)::INTEGER FROM content_tags WHERE live_audience IS NOT NULL
    GROUP BY tag_id, live_audience, kind;
CREATE INDEX tag_counts_audience_idx ON tag_counts (audience_id, n);

-- The blog directory: each blog's readable posts and its newest, kept on the blog row.
ALTER TABLE blogs ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE blogs ADD COLUMN last_post_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN counted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE posts SET counted = c.live FROM contents c WHERE c.id = posts.content_id;
UPDATE blogs SET
    post_count = (SELECT COUNT(*) FROM posts p WHERE p.blog_id = blogs.id AND p.counted),
    last_post_at = (SELECT MAX(c.published_at) FROM posts p JOIN contents c ON c.id = p.content_id
        WHERE p.blog_id = blogs.id AND p.counted);

-- What a profile shows (likes received, accepted answers), per audience, kept like the tag
-- counts: each piece remembers what it added (its audience while live, its likes, whether it is
-- an accepted answer), so a change moves the author's counts by the difference.
ALTER TABLE contents ADD COLUMN counted_audience BIGINT;
ALTER TABLE contents ADD COLUMN counted_likes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contents ADD COLUMN counted_accepted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE contents SET
    counted_audience = CASE WHEN live THEN audience_id END,
    counted_likes = CASE WHEN live THEN like_count ELSE 0 END,
    counted_accepted = (live AND EXISTS (SELECT 1 FROM replies r JOIN topics t ON t.content_id = r.topic_id
        WHERE r.content_id = contents.id AND t.accepted_reply_id = contents.id));
CREATE TABLE author_counts (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    audience_id BIGINT NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, audience_id)
);
INSERT INTO author_counts (user_id, audience_id, likes, accepted)
    SELECT author_id, counted_audience, SUM(counted_likes)::INTEGER, SUM(CASE WHEN counted_accepted THEN 1 ELSE 0 END)::INTEGER
    FROM contents WHERE counted_audience IS NOT NULL GROUP BY author_id, counted_audience;

-- Page-cache invalidations, for the other app processes (each applies the ones it has not seen).
CREATE TABLE cache_events (
    id BIGSERIAL PRIMARY KEY,
    keys TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
