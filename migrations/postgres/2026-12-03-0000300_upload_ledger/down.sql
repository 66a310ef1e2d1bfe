ALTER TABLE media_trash DROP COLUMN byte_size;
DROP TABLE media_uploads;
