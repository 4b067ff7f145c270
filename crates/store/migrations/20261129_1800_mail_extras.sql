-- Mail extras: a digest of the raw bytes, so a mail without a Message-ID (or re-imported from an
-- mbox) is not stored twice; and the user's choice to load one mail's remote images.
ALTER TABLE messages ADD COLUMN raw_sha256 TEXT;           -- hex SHA-256 of `raw`; NULL for rows stored before this column
ALTER TABLE messages ADD COLUMN remote_images_allowed INTEGER NOT NULL DEFAULT 0
    CHECK (remote_images_allowed IN (0, 1));              -- "Load images" was clicked for this mail
CREATE INDEX messages_raw_sha256 ON messages(raw_sha256) WHERE raw_sha256 IS NOT NULL;
