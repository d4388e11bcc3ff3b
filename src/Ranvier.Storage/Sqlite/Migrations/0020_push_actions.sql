-- Ranvier SQLite schema, version 20: what push rules decided for each new event (spec: client-server API "Push
-- Notifications", "Receiving notifications", "Marking notifications as read").

-- One row per (local user, event) whose matching push rule notifies. thread_id is the event's thread root, or 'main'
-- for the main timeline (the threaded-receipt name of it). stream_pos is the event's; highlight is 1 when the rule's
-- actions highlight. Written in the event's persist transaction, so a /sync that shows the event counts it too.
CREATE TABLE event_push_actions (
    user_id       TEXT    NOT NULL,
    event_nid     INTEGER NOT NULL REFERENCES events (event_nid),
    room_nid      INTEGER NOT NULL REFERENCES rooms (room_nid),
    stream_pos    INTEGER NOT NULL,
    thread_id     TEXT    NOT NULL,
    highlight     INTEGER NOT NULL,
    actions_json  TEXT    NOT NULL,
    PRIMARY KEY (user_id, event_nid)
) WITHOUT ROWID;

-- Counting a room's unread notifications: the rows after the user's read position in that room.
CREATE INDEX event_push_actions_by_room ON event_push_actions (user_id, room_nid, stream_pos);
-- GET /notifications and pushers: a user's notifications in stream order.
CREATE INDEX event_push_actions_by_stream ON event_push_actions (user_id, stream_pos);

-- Sending an event reads the room up to it ("When the user updates their read receipt (either by using the API or by
-- sending an event)"): the stream position of each local user's latest own event per room and thread.
CREATE TABLE push_own_events (
    room_nid    INTEGER NOT NULL REFERENCES rooms (room_nid),
    user_id     TEXT    NOT NULL,
    thread_id   TEXT    NOT NULL,
    stream_pos  INTEGER NOT NULL,
    PRIMARY KEY (room_nid, user_id, thread_id)
) WITHOUT ROWID;
