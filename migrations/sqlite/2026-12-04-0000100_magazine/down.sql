DROP TABLE magazine_revisions;
DROP TABLE magazine_writers;
DROP TABLE magazine_articles;
DROP TABLE magazine_sections;
DROP TABLE magazine_issues;
