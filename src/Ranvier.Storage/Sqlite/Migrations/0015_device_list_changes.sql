-- Ranvier SQLite schema, version 15: the device-list stream (spec: client-server API "Tracking the device list for a
-- user"). A row says "the devices or cross-signing keys of user_id changed at stream_pos": a device was added or
-- deleted, its keys were uploaded, or the user's cross-signing keys or their signatures changed. /sync's
-- device_lists.changed and GET /keys/changes read (from, to] windows of it. The position comes from stream_counter
-- inside the transaction that made the change, so the change and its announcement commit together.
CREATE TABLE device_list_changes (
    stream_pos  INTEGER NOT NULL,
    user_id     TEXT    NOT NULL,
    PRIMARY KEY (stream_pos, user_id)
) WITHOUT ROWID;

CREATE INDEX device_list_changes_by_user ON device_list_changes (user_id, stream_pos);
