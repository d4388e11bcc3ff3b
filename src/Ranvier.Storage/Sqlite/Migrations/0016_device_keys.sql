-- Ranvier SQLite schema, version 16: end-to-end encryption keys of devices (spec: client-server API "Key Distribution",
-- POST /keys/upload, /keys/query, /keys/claim). Everything goes with its device (ON DELETE CASCADE).

-- A device's identity keys as uploaded: the signed device_keys object, canonical JSON, signatures included.
CREATE TABLE device_keys (
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    key_json   TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Unclaimed one-time keys. key_nid orders them by upload ("given out in the order that they were uploaded"); a claim
-- deletes the row it hands out, so a key is given at most once.
CREATE TABLE one_time_keys (
    key_nid    INTEGER NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    algorithm  TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    key_json   TEXT    NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX one_time_keys_by_id ON one_time_keys (user_id, device_id, algorithm, key_id);

-- One fallback key per device and algorithm; used = 1 once a claim has handed it out (it keeps being handed out until
-- the device replaces it).
CREATE TABLE fallback_keys (
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    algorithm  TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    key_json   TEXT    NOT NULL,
    used       INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;
