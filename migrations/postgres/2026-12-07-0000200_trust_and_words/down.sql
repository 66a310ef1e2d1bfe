DROP TABLE watched_words;
DROP TABLE member_reads;
ALTER TABLE boards DROP COLUMN premoderation;
ALTER TABLE users DROP COLUMN trust_locked;
ALTER TABLE users DROP COLUMN trust_level;
