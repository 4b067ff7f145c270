-- IMAP sync state. A folder's UIDs only name messages under one UIDVALIDITY: when the server
-- changes it, the folder is reset and its old UID rows are dropped (the messages stay).

-- Where each folder's incremental fetch resumes.
CREATE TABLE imap_folders (
    account        TEXT NOT NULL,              -- the account's name, normally its address
    folder         TEXT NOT NULL,              -- "INBOX", "Sent"
    uidvalidity    INTEGER NOT NULL,
    last_seen_uid  INTEGER NOT NULL DEFAULT 0, -- every UID up to this one has been filed
    highest_modseq INTEGER,                    -- CONDSTORE HIGHESTMODSEQ; NULL without CONDSTORE
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (account, folder)
) STRICT;

-- Which stored message each server UID is, so that a refetch never files a mail twice.
CREATE TABLE imap_messages (
    account        TEXT NOT NULL,
    folder         TEXT NOT NULL,
    uidvalidity    INTEGER NOT NULL,
    uid            INTEGER NOT NULL,
    message_row_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    PRIMARY KEY (account, folder, uidvalidity, uid)
) STRICT, WITHOUT ROWID;
CREATE INDEX imap_messages_message ON imap_messages(message_row_id);
