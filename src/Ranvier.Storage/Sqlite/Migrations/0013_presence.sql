-- Presence (spec: client-server API "Presence") ---------------------------------------------------------
-- One row per user whose presence was ever set: the state other users see and the global stream position
-- of its last visible change, so /sync can ask for "presence changed in (from, upto]". last_active_ts is
-- also refreshed without a new position (mere activity is not a visible change), so it survives a restart.
-- No foreign key to users: presence of remote users will be kept here too once federation arrives.
CREATE TABLE presence (
    user_id           TEXT    NOT NULL PRIMARY KEY,
    state             TEXT    NOT NULL,            -- online, unavailable or offline
    status_msg        TEXT,
    last_active_ts    INTEGER NOT NULL,            -- ms since the epoch; 0: never active
    currently_active  INTEGER NOT NULL,
    stream_pos        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX presence_by_stream ON presence (stream_pos);
