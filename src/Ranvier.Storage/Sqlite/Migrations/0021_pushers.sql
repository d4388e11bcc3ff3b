-- Ranvier SQLite schema, version 21: pushers (spec: client-server API "Push Notifications", POST /pushers/set) and
-- how far each one has delivered to its push gateway (spec: push gateway API, POST /_matrix/push/v1/notify).

-- One row per (user_id, app_id, pushkey). pusher_id is internal: a pusher replaced through /pushers/set keeps it,
-- a deleted and re-created one gets a new one, so delivery progress written for an old pusher never lands on its
-- successor. device_id is the device of the access token that last set the pusher: deleting the device (logout,
-- device deletion, deactivation) deletes the pusher with it. data_json is the client's `data` object as given
-- (url, format and any custom keys). created_ts (ms) is when the pusher was last set: the gateway's pushkey_ts.
--
-- Delivery: pushed_pos is the global stream position up to which this pusher's notifications are handled (sent,
-- or skipped as not notifying); a new pusher starts at the stream's end, so it only pushes what comes after it.
-- failures counts consecutive failed attempts, failing_since_ts (ms) dates the first of them, next_attempt_ts (ms)
-- is when the next retry is due; all three are reset by a successful push.
CREATE TABLE pushers (
    pusher_id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,  -- never reused, see above
    user_id              TEXT    NOT NULL,
    app_id               TEXT    NOT NULL,
    pushkey              TEXT    NOT NULL,
    kind                 TEXT    NOT NULL,
    app_display_name     TEXT    NOT NULL,
    device_display_name  TEXT    NOT NULL,
    profile_tag          TEXT,
    lang                 TEXT    NOT NULL,
    data_json            TEXT    NOT NULL,
    device_id            TEXT    NOT NULL,
    created_ts           INTEGER NOT NULL,
    pushed_pos           INTEGER NOT NULL,
    failures             INTEGER NOT NULL DEFAULT 0,
    failing_since_ts     INTEGER,
    next_attempt_ts      INTEGER,
    UNIQUE (user_id, app_id, pushkey),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- `append: false` removes the same app_id and pushkey of other users.
CREATE INDEX pushers_by_key ON pushers (app_id, pushkey);
-- The foreign key's cascade finds a device's pushers through this.
CREATE INDEX pushers_by_device ON pushers (user_id, device_id);
