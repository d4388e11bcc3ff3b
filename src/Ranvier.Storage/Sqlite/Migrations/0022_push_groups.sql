-- Ranvier SQLite schema, version 22: notifications stored once per event instead of once per notified user, and
-- unread counts kept as a running summary (spec: client-server API "Receiving notifications", "Marking notifications
-- as read"). Version 20 wrote one row per notified user into three user-keyed B-trees: a message in a room of 33
-- members cost 96 scattered page writes, most of the single writer's time under load (docs/benchmarks.md).

-- One row per (event, what the rules did): the users whose matching rule had the same actions and highlight share a
-- row. users is every such user ID framed by newlines ('\n@a:hs\n@b:hs\n'), so instr(users, '\n' || @u || '\n')
-- finds one (user IDs never contain a newline). Rows are appended in stream order.
CREATE TABLE event_push_groups (
    group_id      INTEGER NOT NULL PRIMARY KEY,
    stream_pos    INTEGER NOT NULL,
    event_nid     INTEGER NOT NULL REFERENCES events (event_nid),
    room_nid      INTEGER NOT NULL REFERENCES rooms (room_nid),
    thread_id     TEXT    NOT NULL,
    highlight     INTEGER NOT NULL,
    actions_json  TEXT    NOT NULL,
    users         TEXT    NOT NULL
);

-- GET /notifications and pushers walk the stream; recounting after a receipt and the counts of a sync that stops
-- before the newest events walk one room.
CREATE INDEX event_push_groups_by_stream ON event_push_groups (stream_pos);
CREATE INDEX event_push_groups_by_room ON event_push_groups (room_nid, stream_pos);

-- The unread notifications of each (room, user, thread) now: the notifications after the user's read position in
-- that thread. Persisting a notifying event adds to its users' rows and zeroes the sender's; a read receipt
-- recounts the user's rows of the room from event_push_groups. Keyed by room first, so one event's updates land
-- on the same few pages.
CREATE TABLE push_unread (
    room_nid       INTEGER NOT NULL REFERENCES rooms (room_nid),
    user_id        TEXT    NOT NULL,
    thread_id      TEXT    NOT NULL,
    notifications  INTEGER NOT NULL,
    highlights     INTEGER NOT NULL,
    PRIMARY KEY (room_nid, user_id, thread_id)
) WITHOUT ROWID;

INSERT INTO event_push_groups (stream_pos, event_nid, room_nid, thread_id, highlight, actions_json, users)
SELECT stream_pos, event_nid, room_nid, thread_id, highlight, actions_json, char(10) || group_concat(user_id, char(10)) || char(10)
FROM event_push_actions
GROUP BY stream_pos, event_nid, room_nid, thread_id, highlight, actions_json
ORDER BY stream_pos;

-- The version-20 count: the rows after the user's read position in their thread (the latest of the unthreaded
-- m.read/m.read.private receipts, that thread's receipts and the user's own latest event in it).
INSERT INTO push_unread (room_nid, user_id, thread_id, notifications, highlights)
SELECT pa.room_nid, pa.user_id, pa.thread_id, COUNT(*), SUM(pa.highlight)
FROM event_push_actions pa
WHERE pa.stream_pos > MAX(
    COALESCE((SELECT MAX(e.stream_pos) FROM receipts rc JOIN events e ON e.event_nid = rc.event_nid
              WHERE rc.room_nid = pa.room_nid AND rc.user_id = pa.user_id
                AND rc.receipt_type IN ('m.read', 'm.read.private') AND rc.thread_id IN ('', pa.thread_id)), 0),
    COALESCE((SELECT o.stream_pos FROM push_own_events o
              WHERE o.room_nid = pa.room_nid AND o.user_id = pa.user_id AND o.thread_id = pa.thread_id), 0))
GROUP BY pa.room_nid, pa.user_id, pa.thread_id;

DROP TABLE event_push_actions;
