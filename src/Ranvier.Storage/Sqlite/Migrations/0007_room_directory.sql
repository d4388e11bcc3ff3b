-- Room aliases and the published room directory (spec: client-server API, "Room aliases" and "Published room
-- directory"). An alias names one room; the server that hosts it keeps who created it, since the creator may
-- delete it again.
CREATE TABLE room_aliases (
    alias       TEXT    NOT NULL PRIMARY KEY,
    room_id     TEXT    NOT NULL,
    creator     TEXT    NOT NULL,
    created_ts  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX room_aliases_by_room ON room_aliases (room_id);

-- Rooms whose directory visibility is "public"; every other room is "private".
CREATE TABLE published_rooms (
    room_id  TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;
