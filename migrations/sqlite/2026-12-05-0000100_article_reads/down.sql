DROP TABLE magazine_article_reads;
