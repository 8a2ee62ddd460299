-- depends: 0001.initial-schema
-- Issue 7: storage quotas, likes, comments, albums, share links and personal API tokens.

-- Bytes of the user's stored originals and thumbnails, kept in step with the
-- photos (counted when an upload is stored and when its thumbnails are
-- reported; given back when a photo is deleted), so a quota check is one read.
ALTER TABLE users ADD COLUMN storage_used_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0;

-- A counter beside the photo, so the feed shows like counts without a query per photo.
ALTER TABLE photos ADD COLUMN like_count INT UNSIGNED NOT NULL DEFAULT 0;

CREATE TABLE likes (
    photo_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (photo_id, user_id),
    KEY likes_user (user_id),
    CONSTRAINT likes_photo_fk FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE CASCADE,
    CONSTRAINT likes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Plain text, escaped on output; oldest first under a photo.
CREATE TABLE comments (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    photo_id BIGINT UNSIGNED NOT NULL,
    author_id BIGINT UNSIGNED NOT NULL,
    body VARCHAR(1000) NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY comments_photo (photo_id, id),
    KEY comments_author (author_id),
    CONSTRAINT comments_photo_fk FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE CASCADE,
    CONSTRAINT comments_author_fk FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An album only groups photos: deleting it deletes the rows below, never a photo.
CREATE TABLE albums (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    public_id CHAR(36) CHARACTER SET ascii NOT NULL,
    owner_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(200) NOT NULL,
    cover_photo_id BIGINT UNSIGNED NULL COMMENT 'chosen by the owner; NULL shows the newest photo',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY albums_public_id (public_id),
    KEY albums_owner (owner_id, id),
    CONSTRAINT albums_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT albums_cover_fk FOREIGN KEY (cover_photo_id) REFERENCES photos (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The primary key is also the album page's keyset index (newest photo first).
CREATE TABLE album_photos (
    album_id BIGINT UNSIGNED NOT NULL,
    photo_id BIGINT UNSIGNED NOT NULL,
    added_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (album_id, photo_id),
    KEY album_photos_photo (photo_id),
    CONSTRAINT album_photos_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT album_photos_photo_fk FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A share link of one photo or one album. Only the SHA-256 of the token is
-- kept (token_hint is its first characters, to tell links apart); a revoked
-- link keeps its row so that it answers 410 and stays on the owner's page.
CREATE TABLE share_links (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    token_hash BINARY(32) NOT NULL,
    token_hint CHAR(6) CHARACTER SET ascii NOT NULL,
    owner_id BIGINT UNSIGNED NOT NULL,
    photo_id BIGINT UNSIGNED NULL,
    album_id BIGINT UNSIGNED NULL,
    password_hash VARCHAR(255) CHARACTER SET ascii NULL COMMENT 'argon2id, PHC string; NULL: no password',
    allow_download BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    view_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY share_links_token (token_hash),
    KEY share_links_owner (owner_id, id),
    CONSTRAINT share_links_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT share_links_photo_fk FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE CASCADE,
    CONSTRAINT share_links_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT share_links_one_target CHECK ((photo_id IS NULL) <> (album_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The sessions that gave a link's password: they see it until the session ends.
CREATE TABLE share_unlocks (
    session_hash BINARY(32) NOT NULL,
    link_id BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (session_hash, link_id),
    KEY share_unlocks_link (link_id),
    CONSTRAINT share_unlocks_session_fk FOREIGN KEY (session_hash) REFERENCES sessions (token_hash) ON DELETE CASCADE,
    CONSTRAINT share_unlocks_link_fk FOREIGN KEY (link_id) REFERENCES share_links (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Personal API tokens, sent as Authorization: Bearer. Only the SHA-256 is kept.
CREATE TABLE api_tokens (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(100) NOT NULL,
    token_hash BINARY(32) NOT NULL,
    token_hint CHAR(8) CHARACTER SET ascii NOT NULL,
    scope ENUM('read', 'write') NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_tokens_token (token_hash),
    KEY api_tokens_user (user_id, id),
    CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
