DROP TABLE episodes;
DROP TABLE podcasts;
