-- Rooms for clients: membership lookups and idempotent sends ---------------------------------------------
-- content.membership of m.room.member events, so "which rooms is this user in" and "who is in this room"
-- read current_state and events without parsing event JSON.
ALTER TABLE events ADD COLUMN membership TEXT;
UPDATE events SET membership = (SELECT json_extract(j.json, '$.content.membership') FROM event_json j WHERE j.event_nid = events.event_nid)
WHERE type = 'm.room.member';

-- current_state by (type, state_key): every room in which a user has a member event.
CREATE INDEX current_state_by_key ON current_state (state_key_nid, room_nid);

-- Client transaction IDs (spec: client-server API, "Transaction identifiers"): a retried PUT with the same
-- transaction ID from the same device answers with the event it created the first time.
CREATE TABLE event_transactions (
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    room_id    TEXT    NOT NULL,
    txn_id     TEXT    NOT NULL,
    event_nid  INTEGER NOT NULL REFERENCES events (event_nid),
    PRIMARY KEY (user_id, device_id, room_id, txn_id)
) WITHOUT ROWID;
CREATE INDEX event_transactions_by_event ON event_transactions (event_nid);
