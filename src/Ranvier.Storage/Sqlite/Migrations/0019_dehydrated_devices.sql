-- Ranvier SQLite schema, version 19: dehydrated devices (MSC3814, unstable prefix org.matrix.msc3814.v1). A user has
-- at most one. The device itself is an ordinary row of devices (so that it has keys, appears in /keys/query and gets
-- to-device messages); this table marks which of the user's devices it is and holds the client's encrypted
-- device_data as sent. Deleting the device (through any path) removes the mark.
CREATE TABLE dehydrated_devices (
    user_id           TEXT NOT NULL PRIMARY KEY,
    device_id         TEXT NOT NULL,
    device_data_json  TEXT NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;
