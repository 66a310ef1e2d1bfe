DROP TABLE media_trash;
ALTER TABLE users DROP COLUMN avatar_media_id;
DROP TABLE content_media;
DROP TABLE media;
DROP TABLE media_renditions;
DROP TABLE media_files;
