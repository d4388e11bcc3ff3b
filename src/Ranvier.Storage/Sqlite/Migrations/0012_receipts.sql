-- Receipts (spec: client-server API, "Receipts") -------------------------------------------------------------
-- Only the latest receipt per (room, user, receipt type, thread) is kept; thread_id '' is an unthreaded receipt
-- (so the primary key covers it: NULLs never collide). Each write takes a position on the global stream, so /sync
-- sends a room's receipts changed after N. private = 1 marks receipts only their owner may see (m.read.private).
CREATE TABLE receipts (
    room_nid      INTEGER NOT NULL REFERENCES rooms (room_nid),
    user_id       TEXT    NOT NULL,
    receipt_type  TEXT    NOT NULL,
    thread_id     TEXT    NOT NULL,
    event_nid     INTEGER NOT NULL REFERENCES events (event_nid),
    ts            INTEGER NOT NULL,
    private       INTEGER NOT NULL,
    stream_pos    INTEGER NOT NULL,
    PRIMARY KEY (room_nid, user_id, receipt_type, thread_id)
) WITHOUT ROWID;

-- Incremental sync of one room's receipts: everything after stream position N.
CREATE INDEX receipts_by_room_stream ON receipts (room_nid, stream_pos);
