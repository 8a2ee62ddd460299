DROP TABLE api_tokens;
DROP TABLE share_unlocks;
DROP TABLE share_links;
DROP TABLE album_photos;
DROP TABLE albums;
DROP TABLE comments;
DROP TABLE likes;
ALTER TABLE photos DROP COLUMN like_count;
ALTER TABLE users DROP COLUMN storage_used_bytes;
