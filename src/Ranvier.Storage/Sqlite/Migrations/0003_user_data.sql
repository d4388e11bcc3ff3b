-- Ranvier SQLite schema, version 3: per-user data (spec: client-server API "Profiles", "Client Config",
-- "Filtering"). Every row belongs to a local user and goes with it.

-- One row per profile field; the value is the field's JSON (any JSON for custom fields).
CREATE TABLE profile_fields (
    user_id     TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value_json  TEXT NOT NULL,
    PRIMARY KEY (user_id, field)
) WITHOUT ROWID;

-- Account data, global (room_id '') or per room. stream_pos is the position on the global stream
-- (stream_counter) of the last write, so /sync can ask for "changed after N".
CREATE TABLE account_data (
    user_id       TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    room_id       TEXT    NOT NULL,          -- '' for global account data
    type          TEXT    NOT NULL,
    content_json  TEXT    NOT NULL,
    stream_pos    INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (user_id, room_id, type)
) WITHOUT ROWID;

CREATE INDEX account_data_by_user_stream ON account_data (user_id, stream_pos);

-- Filters (POST /user/{userId}/filter); filter_id counts per user from 0.
CREATE TABLE filters (
    user_id      TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    filter_id    INTEGER NOT NULL,
    filter_json  TEXT    NOT NULL,
    PRIMARY KEY (user_id, filter_id)
) WITHOUT ROWID;
