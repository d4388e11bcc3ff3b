-- Ranvier SQLite schema, version 18: server-side key backups (spec: client-server API "Server-side key backups").
-- A user's backup versions are numbered 1, 2, 3 … per user and never reused: a deleted version keeps its row with
-- deleted = 1 (so a repeated DELETE still succeeds) but loses its keys. The current version is the highest one not
-- deleted. etag counts the changes to the version's keys; clients compare it to notice other clients' writes.
CREATE TABLE key_backup_versions (
    user_id         TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    algorithm       TEXT    NOT NULL,
    auth_data_json  TEXT    NOT NULL,
    etag            INTEGER NOT NULL DEFAULT 0,
    deleted         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, version)
) WITHOUT ROWID;

-- One backed-up megolm session key per (user, version, room, session); session_data_json is the client's encrypted
-- blob, stored as sent. The three metadata columns decide whether a later upload replaces the row.
CREATE TABLE key_backup_sessions (
    user_id              TEXT    NOT NULL,
    version              INTEGER NOT NULL,
    room_id              TEXT    NOT NULL,
    session_id           TEXT    NOT NULL,
    first_message_index  INTEGER NOT NULL,
    forwarded_count      INTEGER NOT NULL,
    is_verified          INTEGER NOT NULL,
    session_data_json    TEXT    NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id),
    FOREIGN KEY (user_id, version) REFERENCES key_backup_versions (user_id, version) ON DELETE CASCADE
) WITHOUT ROWID;
