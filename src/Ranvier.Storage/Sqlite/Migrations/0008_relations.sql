-- Redactions, event relationships and content reports (issue 5) -------------------------------------------
-- Accepted m.room.redaction events by the event they redact (spec: client-server API, "Redactions"). Keyed by
-- the target's ID, not its nid: over federation a redaction can arrive before the event it redacts. The stored
-- JSON of a redacted event is kept as it was; the redaction is applied when the event is served. (Erasing the
-- original content from the database is a later, separate purge.)
CREATE TABLE event_redactions (
    target_event_id  TEXT    NOT NULL,
    redaction_nid    INTEGER NOT NULL REFERENCES events (event_nid),
    PRIMARY KEY (target_event_id, redaction_nid)
) WITHOUT ROWID;

-- content.m.relates_to of accepted message events that carry a rel_type (spec: "Forming relationships between
-- events"; rich replies, which have only m.in_reply_to, are not relations). The parent is an event ID, since a
-- child can arrive before its parent. type and sender are the child's, for the relations filters and the
-- m.replace validity rules.
CREATE TABLE event_relations (
    event_nid      INTEGER NOT NULL PRIMARY KEY REFERENCES events (event_nid),
    room_nid       INTEGER NOT NULL REFERENCES rooms (room_nid),
    relates_to_id  TEXT    NOT NULL,
    rel_type       TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    sender         TEXT    NOT NULL
);
CREATE INDEX event_relations_by_parent ON event_relations (relates_to_id, rel_type, type);
CREATE INDEX event_relations_threads ON event_relations (room_nid, rel_type);

-- Reports of events and rooms by users (spec: client-server API, "Reporting content"). event_id is NULL for a
-- report of a whole room.
CREATE TABLE content_reports (
    report_id    INTEGER NOT NULL PRIMARY KEY,
    room_id      TEXT    NOT NULL,
    event_id     TEXT,
    reporter     TEXT    NOT NULL,
    reason       TEXT,
    received_ts  INTEGER NOT NULL
);
