ALTER TABLE search_docs ADD COLUMN access INTEGER NOT NULL DEFAULT 0;
UPDATE search_docs SET access = CASE WHEN audience_id = 1 THEN 0
    WHEN EXISTS (SELECT 1 FROM audience_grants g WHERE g.audience_id = search_docs.audience_id AND g.principal IN ('everyone')) THEN 0
    WHEN EXISTS (SELECT 1 FROM audience_grants g WHERE g.audience_id = search_docs.audience_id AND g.principal = 'members') THEN 1
    ELSE 2 END;
ALTER TABLE search_docs DROP COLUMN audience_id;
DROP TABLE jobs;
ALTER TABLE mail_outbox DROP COLUMN content_id;
ALTER TABLE mail_outbox DROP COLUMN user_id;
ALTER TABLE notifications DROP COLUMN detail;
ALTER TABLE topics DROP COLUMN last_position;
DROP INDEX contents_place_idx;
DROP INDEX contents_author_live_idx;
DROP INDEX contents_parent_idx;
ALTER TABLE posts ADD COLUMN comments_enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE posts ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET comments_enabled = (SELECT comments_open FROM contents WHERE contents.id = posts.content_id),
    comment_count = (SELECT comment_count FROM contents WHERE contents.id = posts.content_id);
ALTER TABLE contents DROP COLUMN comment_count;
ALTER TABLE contents DROP COLUMN comments_open;
ALTER TABLE contents DROP COLUMN hidden_at;
ALTER TABLE contents DROP COLUMN live;
ALTER TABLE contents DROP COLUMN audience_id;
ALTER TABLE contents DROP COLUMN place_id;
ALTER TABLE contents DROP COLUMN place_kind;
ALTER TABLE contents DROP COLUMN parent_id;
DROP TABLE group_members;
DROP TABLE member_groups;
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
UPDATE users SET role = CASE WHEN roles LIKE '%admin%' THEN 'admin' WHEN roles LIKE '%moderator%' THEN 'moderator'
    WHEN roles LIKE '%employee%' THEN 'employee' ELSE 'member' END;
CREATE INDEX users_role_idx ON users (role);
ALTER TABLE users DROP COLUMN roles;
ALTER TABLE boards ADD COLUMN view_access TEXT NOT NULL DEFAULT 'everyone';
ALTER TABLE boards ADD COLUMN post_access TEXT NOT NULL DEFAULT 'members';
UPDATE boards SET
    view_access = CASE WHEN EXISTS (SELECT 1 FROM audience_grants g WHERE g.audience_id = boards.read_audience_id AND g.principal = 'everyone') THEN 'everyone'
        WHEN EXISTS (SELECT 1 FROM audience_grants g WHERE g.audience_id = boards.read_audience_id AND g.principal = 'members') THEN 'members'
        ELSE 'employees' END,
    post_access = CASE WHEN EXISTS (SELECT 1 FROM audience_grants g WHERE g.audience_id = boards.post_audience_id AND g.principal = 'members') THEN 'members'
        ELSE 'employees' END;
ALTER TABLE boards DROP COLUMN post_audience_id;
ALTER TABLE boards DROP COLUMN read_audience_id;
DROP TABLE audience_grants;
DROP TABLE audiences;
