-- Ranvier SQLite schema, version 14: send-to-device messages (spec: client-server API "Send-to-Device messaging").

-- Each device's inbox. message_id is the arrival order; stream_pos the global stream position of the send (all
-- messages of one send share it). delivered_pos is the lowest next_batch position of a /sync response that carried
-- the message (NULL: not yet sent); a sync from a token at or past it acknowledges it and deletes it. Deleting a
-- device deletes its inbox.
CREATE TABLE to_device_messages (
    message_id     INTEGER NOT NULL PRIMARY KEY,
    user_id        TEXT    NOT NULL,
    device_id      TEXT    NOT NULL,
    sender         TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    content_json   TEXT    NOT NULL,
    stream_pos     INTEGER NOT NULL,
    delivered_pos  INTEGER,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

CREATE INDEX to_device_messages_by_device ON to_device_messages (user_id, device_id, message_id);

-- Transaction IDs of PUT /sendToDevice, per sending device and event type (the request path): a retry is a no-op.
CREATE TABLE to_device_transactions (
    user_id     TEXT    NOT NULL,
    device_id   TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    txn_id      TEXT    NOT NULL,
    created_ts  INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, event_type, txn_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;
