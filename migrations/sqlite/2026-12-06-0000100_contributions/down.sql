DROP TABLE content_reactions;
DROP TABLE magazine_answers;
DROP TABLE magazine_votes;
DROP TABLE magazine_poll_options;
DROP TABLE magazine_polls;
DROP TABLE magazine_entries;
DROP TABLE magazine_areas;
