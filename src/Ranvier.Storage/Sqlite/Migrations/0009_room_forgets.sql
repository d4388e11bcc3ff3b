-- Forgotten rooms (spec: POST /rooms/{roomId}/forget) ------------------------------------------------------
-- A user forgets a room they have left; the row remembers which member event they forgot it at. The room
-- counts as forgotten only while that event is still the user's current member event, so joining (or being
-- invited) again undoes the forget without any write on the membership path.
CREATE TABLE forgotten_rooms (
    user_id          TEXT    NOT NULL,
    room_nid         INTEGER NOT NULL REFERENCES rooms (room_nid),
    member_event_nid INTEGER NOT NULL REFERENCES events (event_nid),
    PRIMARY KEY (user_id, room_nid)
) WITHOUT ROWID;
