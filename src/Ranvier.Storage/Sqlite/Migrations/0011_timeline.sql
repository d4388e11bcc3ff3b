-- Timeline reads ---------------------------------------------------------------------------------------
-- GET /v1/rooms/{roomId}/timestamp_to_event: the room's events nearest a point in time, without a room scan.
CREATE INDEX events_by_room_ts ON events (room_nid, origin_server_ts);
