-- One policy, one write path (SQLite). migrations/postgres holds the same under the same name.

-- Who may read (or post in) a place is an audience: a set of grants to principals.
-- principal: 'everyone' | 'members' (anyone logged in) | 'role:employee' | 'role:moderator' |
-- 'group:<id>'. Admins read everything. Audience 1 is the public: blogs and all that is in them.
-- A board owns two audiences (who reads it, who starts topics in it); changing the board's access
-- changes its grants, and every piece of content in it follows at once.
CREATE TABLE audiences (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE audience_grants (
    audience_id BIGINT NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
    principal TEXT NOT NULL,
    PRIMARY KEY (audience_id, principal)
);
CREATE INDEX audience_grants_principal_idx ON audience_grants (principal, audience_id);
INSERT INTO audiences (id, created_at) VALUES (1, CURRENT_TIMESTAMP);
INSERT INTO audience_grants (audience_id, principal) VALUES (1, 'everyone');

-- Each board's audiences take the ids 2*id+1 (read) and 2*id+2 (post) here; later boards get
-- fresh ids. SQLite cannot add a NOT NULL column with a foreign key, so none is declared.
ALTER TABLE boards ADD COLUMN read_audience_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE boards ADD COLUMN post_audience_id BIGINT NOT NULL DEFAULT 1;
INSERT INTO audiences (id, created_at) SELECT 2 * id + 1, CURRENT_TIMESTAMP FROM boards;
INSERT INTO audiences (id, created_at) SELECT 2 * id + 2, CURRENT_TIMESTAMP FROM boards;
UPDATE boards SET read_audience_id = 2 * id + 1, post_audience_id = 2 * id + 2;
INSERT INTO audience_grants (audience_id, principal)
    SELECT 2 * id + 1, CASE view_access WHEN 'everyone' THEN 'everyone' WHEN 'members' THEN 'members' ELSE 'role:employee' END
    FROM boards;
INSERT INTO audience_grants (audience_id, principal)
    SELECT 2 * id + 2, CASE post_access WHEN 'members' THEN 'members' ELSE 'role:employee' END FROM boards;
ALTER TABLE boards DROP COLUMN view_access;
ALTER TABLE boards DROP COLUMN post_access;

-- A person holds any set of roles: 'employee', 'moderator', 'admin', space-separated (everyone
-- logged in is a member).
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';
UPDATE users SET roles = CASE role WHEN 'member' THEN '' ELSE role END;
DROP INDEX users_role_idx;
ALTER TABLE users DROP COLUMN role;

-- Groups that admins define ("Enterprise customers", "Beta testers") and that audiences can name.
CREATE TABLE member_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES member_groups (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id, group_id);

-- What every piece of content carries so that one policy can judge it, in a page or in SQL:
-- parent_id: the post a comment is on, the topic a reply (or official response) is in;
-- place: the blog or board it lives in; audience_id: who may read it (its place's audience);
-- live: published, not deleted, not hidden, and its parent live too. Lists, counts, tag clouds,
-- feeds, the sitemap, search and notifications all read `live AND audience_id IN (readable)`.
ALTER TABLE contents ADD COLUMN parent_id BIGINT;
ALTER TABLE contents ADD COLUMN place_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE contents ADD COLUMN place_id BIGINT;
ALTER TABLE contents ADD COLUMN audience_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE contents ADD COLUMN live BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE contents ADD COLUMN hidden_at TIMESTAMP;
-- Comments hang off any content (posts now, magazine articles later): whether a piece takes
-- them and how many it has are the content's, not the post's.
ALTER TABLE contents ADD COLUMN comments_open BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE contents ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
UPDATE contents SET comments_open = (SELECT comments_enabled FROM posts WHERE posts.content_id = contents.id)
    WHERE kind = 'post';

UPDATE contents SET place_kind = 'blog', place_id = (SELECT blog_id FROM posts WHERE posts.content_id = contents.id),
    live = (status = 'published' AND deleted_at IS NULL)
    WHERE kind = 'post';
UPDATE contents SET parent_id = (SELECT subject_id FROM comments WHERE comments.content_id = contents.id)
    WHERE kind = 'comment';
UPDATE contents SET place_kind = 'board', place_id = (SELECT board_id FROM topics WHERE topics.content_id = contents.id)
    WHERE kind = 'topic';
UPDATE contents SET parent_id = (SELECT topic_id FROM replies WHERE replies.content_id = contents.id)
    WHERE kind = 'reply';
UPDATE contents SET parent_id = (SELECT topic_id FROM reviews WHERE reviews.response_id = contents.id)
    WHERE kind = 'response';
UPDATE contents SET
    audience_id = (SELECT read_audience_id FROM boards WHERE boards.id = contents.place_id),
    live = (deleted_at IS NULL AND (SELECT visible FROM topics WHERE topics.content_id = contents.id))
    WHERE kind = 'topic';
UPDATE contents SET
    place_kind = COALESCE((SELECT p.place_kind FROM contents p WHERE p.id = contents.parent_id), ''),
    place_id = (SELECT p.place_id FROM contents p WHERE p.id = contents.parent_id),
    audience_id = COALESCE((SELECT p.audience_id FROM contents p WHERE p.id = contents.parent_id), 1),
    live = (status = 'published' AND deleted_at IS NULL
            AND COALESCE((SELECT p.live FROM contents p WHERE p.id = contents.parent_id), FALSE))
    WHERE parent_id IS NOT NULL;
CREATE INDEX contents_parent_idx ON contents (parent_id);
CREATE INDEX contents_author_live_idx ON contents (author_id, kind, live, id);
CREATE INDEX contents_place_idx ON contents (place_kind, place_id);

-- Reply positions: the topic row hands out the next one (`last_position`), so two replies at
-- once queue on the topic row instead of racing for max(position) + 1. reply_count counts the
-- replies that are there (not deleted or hidden); pages follow positions.
ALTER TABLE topics ADD COLUMN last_position INTEGER NOT NULL DEFAULT 0;
UPDATE topics SET last_position = COALESCE((SELECT MAX(position) FROM replies WHERE replies.topic_id = topics.content_id), 0);

-- Counters kept in rows, recomputed once here from what is really there (earlier double
-- deletes could leave them wrong); from now on they move only with the change that moves them.
UPDATE topics SET reply_count = (SELECT COUNT(*) FROM replies r JOIN contents c ON c.id = r.content_id
    WHERE r.topic_id = topics.content_id AND c.deleted_at IS NULL);
UPDATE boards SET
    topic_count = (SELECT COUNT(*) FROM topics t WHERE t.board_id = boards.id AND t.visible),
    post_count = (SELECT COUNT(*) + COALESCE(SUM(t.reply_count), 0) FROM topics t WHERE t.board_id = boards.id AND t.visible);
UPDATE contents SET comment_count = (SELECT COUNT(*) FROM contents c
    WHERE c.parent_id = contents.id AND c.kind = 'comment' AND c.deleted_at IS NULL)
    WHERE kind = 'post';
ALTER TABLE posts DROP COLUMN comments_enabled;
ALTER TABLE posts DROP COLUMN comment_count;
UPDATE ideas SET vote_count = (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = ideas.topic_id);
UPDATE contents SET like_count = (SELECT COUNT(*) FROM likes l WHERE l.content_id = contents.id);
-- A review counts while its topic is there.
DELETE FROM reviews WHERE topic_id IN (SELECT content_id FROM topics WHERE NOT visible);
UPDATE products SET
    review_count = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id),
    rating_sum = COALESCE((SELECT SUM(rating) FROM reviews r WHERE r.product_id = products.id), 0),
    stars_1 = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.rating = 1),
    stars_2 = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.rating = 2),
    stars_3 = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.rating = 3),
    stars_4 = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.rating = 4),
    stars_5 = (SELECT COUNT(*) FROM reviews r WHERE r.product_id = products.id AND r.rating = 5);

-- A notification about losing access names what was lost (there is no content to link to).
ALTER TABLE notifications ADD COLUMN detail TEXT NOT NULL DEFAULT '';

-- An e-mail copy remembers who it is for and what it shows, so the worker can withdraw it if
-- that person may no longer read it when it is due.
ALTER TABLE mail_outbox ADD COLUMN user_id BIGINT;
ALTER TABLE mail_outbox ADD COLUMN content_id BIGINT;

-- Durable background jobs: work that grows with the audience (notifying every follower of a
-- board) is written as one row in the request's transaction and expanded by a worker in
-- batches, under the policy as it stands when the batch runs. `payload` is JSON.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    done_at TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due_idx ON jobs (done_at, run_at);

-- The search index names a document's audience instead of a fixed access level.
ALTER TABLE search_docs ADD COLUMN audience_id BIGINT NOT NULL DEFAULT 1;
UPDATE search_docs SET audience_id = COALESCE((SELECT c.audience_id FROM contents c WHERE c.id = search_docs.ref_id), 1)
    WHERE kind <> 'person';
ALTER TABLE search_docs DROP COLUMN access;
