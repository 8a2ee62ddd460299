-- The PhotoShare schema: accounts, server-side sessions, login throttling, photos and thumbnails.

CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    username VARCHAR(32) CHARACTER SET ascii NOT NULL COMMENT 'lower case, validated',
    display_name VARCHAR(64) NOT NULL,
    password_hash VARCHAR(255) CHARACTER SET ascii NOT NULL COMMENT 'argon2id, PHC string',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY users_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per browser session. Only the SHA-256 of the cookie's token is kept;
-- user_id is NULL for an anonymous pre-session that carries a CSRF token to
-- the log-in and registration forms.
CREATE TABLE sessions (
    token_hash BINARY(32) NOT NULL,
    user_id BIGINT UNSIGNED NULL,
    csrf_token CHAR(43) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    PRIMARY KEY (token_hash),
    KEY sessions_user (user_id),
    KEY sessions_last_seen (last_seen_at),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed log-ins counted per subject ('account:<username>' or 'ip:<address>')
-- in a fixed window, shared by every worker.
CREATE TABLE login_failures (
    subject VARCHAR(100) CHARACTER SET ascii NOT NULL,
    window_start DATETIME(6) NOT NULL,
    failures INT UNSIGNED NOT NULL,
    PRIMARY KEY (subject),
    KEY login_failures_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- state: 'uploading' (the bytes are on their way; invisible), 'stored' (visible),
-- 'deleting' (invisible; its objects are being removed). status is the
-- processing result the Lambda reports through the webhook.
CREATE TABLE photos (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    public_id CHAR(36) CHARACTER SET ascii NOT NULL COMMENT 'the uuid of the S3 key, used in URLs',
    owner_id BIGINT UNSIGNED NOT NULL,
    uploader_display_name VARCHAR(64) NOT NULL,
    caption VARCHAR(2000) NOT NULL DEFAULT '',
    original_filename VARCHAR(255) NOT NULL DEFAULT '' COMMENT 'as the client sent it; text only, never a path',
    object_key VARCHAR(255) CHARACTER SET ascii NOT NULL,
    multipart_upload_id VARCHAR(1024) CHARACTER SET ascii NULL,
    size_bytes BIGINT UNSIGNED NULL,
    content_type VARCHAR(32) CHARACTER SET ascii NULL,
    sha256 BINARY(32) NULL,
    state ENUM('uploading', 'stored', 'deleting') NOT NULL DEFAULT 'uploading',
    status ENUM('processing', 'ready', 'failed') NOT NULL DEFAULT 'processing',
    failure_reason VARCHAR(500) NULL,
    visibility ENUM('private', 'unlisted', 'public') NOT NULL DEFAULT 'private',
    width INT UNSIGNED NULL,
    height INT UNSIGNED NULL,
    orientation TINYINT UNSIGNED NULL,
    taken_at DATETIME NULL,
    camera_make VARCHAR(100) NULL,
    camera_model VARCHAR(100) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    processed_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY photos_public_id (public_id),
    UNIQUE KEY photos_object_key (object_key),
    UNIQUE KEY photos_owner_sha256 (owner_id, sha256),
    -- Keyset pagination: "My photos" and the public feed, newest first.
    KEY photos_owner_gallery (owner_id, state, id),
    KEY photos_feed (visibility, state, status, id),
    KEY photos_state_created (state, created_at),
    CONSTRAINT photos_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE thumbnails (
    photo_id BIGINT UNSIGNED NOT NULL,
    size SMALLINT UNSIGNED NOT NULL,
    object_key VARCHAR(255) CHARACTER SET ascii NOT NULL,
    content_type VARCHAR(32) CHARACTER SET ascii NOT NULL,
    width INT UNSIGNED NOT NULL,
    height INT UNSIGNED NOT NULL,
    size_bytes BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (photo_id, size),
    CONSTRAINT thumbnails_photo_fk FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
