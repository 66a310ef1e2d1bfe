-- How far readers get in magazine articles, counted per article and day without knowing who:
-- `views` counts pages that began to show the article, `finished` those that reached its end
-- (a picture at the end that browsers fetch only when it comes near the screen). No person,
-- address or cookie is stored; the counts are written in batches by the process.
CREATE TABLE magazine_article_reads (
    article_id BIGINT NOT NULL REFERENCES magazine_articles (content_id),
    -- days since 1970-01-01, UTC
    day INTEGER NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    finished INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);
