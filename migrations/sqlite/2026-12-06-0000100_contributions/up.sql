-- Readers take part in the magazine. A contribution area is a place in an article, an issue or
-- a call for contributions (`host_id`) that an editor opens with a prompt, the media it accepts
-- and a deadline. An entry is
-- a content row (kind `contribution`) under the host: published, and so live with its host, only
-- once an editor accepts it; its state and the editor's note are here.
CREATE TABLE magazine_areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    host_id BIGINT NOT NULL REFERENCES contents (id),
    -- the issue it is in (none for a call)
    issue_id BIGINT REFERENCES magazine_issues (content_id),
    title TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    -- the media kinds entries may show, comma-separated: picture, audio, video
    accepts TEXT NOT NULL DEFAULT 'picture,audio,video',
    deadline TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX magazine_areas_host_idx ON magazine_areas (host_id, id);
CREATE INDEX magazine_areas_issue_idx ON magazine_areas (issue_id, id);

CREATE TABLE magazine_entries (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    area_id BIGINT NOT NULL REFERENCES magazine_areas (id),
    -- pending, accepted, returned (to its author, with a note), declined
    state TEXT NOT NULL,
    -- the editor's caption and order once accepted
    caption TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    -- a call's prize or mention, shown once the winners are announced
    award TEXT NOT NULL DEFAULT '',
    reviewer_id BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX magazine_entries_area_idx ON magazine_entries (area_id, state, position);
CREATE INDEX magazine_entries_state_idx ON magazine_entries (state, submitted_at);

-- A call for contributions (a contest): a content row (kind `magazine_call`: its title, the rules
-- as its text) that collects entries through its own area; judges score the accepted entries,
-- editors give awards and announce the winners, featured in an issue.
CREATE TABLE magazine_calls (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES contents (id),
    area_id BIGINT NOT NULL REFERENCES magazine_areas (id),
    prizes TEXT NOT NULL DEFAULT '',
    featured_issue_id BIGINT REFERENCES magazine_issues (content_id),
    announced_at TIMESTAMP
);

CREATE TABLE magazine_judges (
    call_id BIGINT NOT NULL REFERENCES magazine_calls (content_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (call_id, user_id)
);

-- One judge's score of one entry (1 to 10) with a note for the other judges and editors.
CREATE TABLE magazine_scores (
    entry_id BIGINT NOT NULL REFERENCES magazine_entries (content_id),
    judge_id BIGINT NOT NULL REFERENCES users (id),
    score INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, judge_id)
);

-- Interactive parts of an article: a poll (one vote per member, results after voting) or a
-- question to readers (one answer per member, read by editors).
CREATE TABLE magazine_polls (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES magazine_articles (content_id),
    -- poll, question
    kind TEXT NOT NULL,
    question TEXT NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX magazine_polls_article_idx ON magazine_polls (article_id, id);

CREATE TABLE magazine_poll_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    poll_id BIGINT NOT NULL REFERENCES magazine_polls (id),
    label TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX magazine_poll_options_poll_idx ON magazine_poll_options (poll_id, position);

CREATE TABLE magazine_votes (
    poll_id BIGINT NOT NULL REFERENCES magazine_polls (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    option_id BIGINT NOT NULL REFERENCES magazine_poll_options (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);
CREATE INDEX magazine_votes_option_idx ON magazine_votes (option_id);

CREATE TABLE magazine_answers (
    poll_id BIGINT NOT NULL REFERENCES magazine_polls (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);

-- Reactions beyond "like" (applause, insightful, love, surprised): one of each per member.
CREATE TABLE content_reactions (
    content_id BIGINT NOT NULL REFERENCES contents (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    reaction TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (content_id, user_id, reaction)
);
CREATE INDEX content_reactions_user_idx ON content_reactions (user_id);
