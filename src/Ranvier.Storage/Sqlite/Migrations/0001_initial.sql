-- Ranvier SQLite schema, version 1. See docs/storage.md for the reasoning.
-- Names say their shape; *_nid columns are internal numeric IDs that never leave the store.

-- Accounts ---------------------------------------------------------------------------------------
CREATE TABLE users (
    user_id        TEXT    NOT NULL PRIMARY KEY,   -- full Matrix ID, @localpart:server
    password_hash  TEXT,                           -- NULL: no password login (guests, SSO, app services)
    kind           INTEGER NOT NULL,               -- 0 user, 1 guest
    created_ts     INTEGER NOT NULL,
    deactivated    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE devices (
    user_id        TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    device_id      TEXT    NOT NULL,
    display_name   TEXT,
    last_seen_ip   TEXT,
    last_seen_ts   INTEGER,
    PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;

-- Only the SHA-256 of a token is stored, so a leaked database does not leak usable tokens.
CREATE TABLE access_tokens (
    token_hash          BLOB    NOT NULL PRIMARY KEY,
    user_id             TEXT    NOT NULL,
    device_id           TEXT    NOT NULL,
    expires_ts          INTEGER,                    -- NULL: never expires
    refresh_token_hash  BLOB,                       -- the refresh token issued with this access token
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX access_tokens_by_device ON access_tokens (user_id, device_id);

-- Server keys (spec: server-server API, "Retrieving server keys") -------------------------------
CREATE TABLE remote_server_keys (
    server_name     TEXT    NOT NULL,
    key_id          TEXT    NOT NULL,
    public_key      BLOB    NOT NULL,
    valid_until_ts  INTEGER NOT NULL,
    fetched_ts      INTEGER NOT NULL,
    PRIMARY KEY (server_name, key_id)
) WITHOUT ROWID;

-- Streams ----------------------------------------------------------------------------------------
-- The one global stream position. A single row, bumped inside the write transaction, so a rolled
-- back write gives its position back and committed positions have no gaps.
CREATE TABLE stream_counter (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    pos  INTEGER NOT NULL
);
INSERT INTO stream_counter (id, pos) VALUES (1, 0);

-- Rooms, events, DAG -------------------------------------------------------------------------------
CREATE TABLE rooms (
    room_nid             INTEGER NOT NULL PRIMARY KEY,
    room_id              TEXT    NOT NULL UNIQUE,
    room_version         TEXT    NOT NULL,
    current_state_group  INTEGER REFERENCES state_groups (group_nid)  -- the group current_state mirrors
);

CREATE TABLE events (
    event_nid           INTEGER NOT NULL PRIMARY KEY,  -- arrival order; the topological tie-breaker
    event_id            TEXT    NOT NULL UNIQUE,
    room_nid            INTEGER NOT NULL REFERENCES rooms (room_nid),
    type                TEXT    NOT NULL,
    state_key           TEXT,                          -- NULL for message events
    sender              TEXT    NOT NULL,
    depth               INTEGER NOT NULL,
    origin_server_ts    INTEGER NOT NULL,
    status              INTEGER NOT NULL,              -- 0 accepted, 1 soft-failed, 2 rejected, 3 outlier
    stream_pos          INTEGER UNIQUE,                -- NULL: never syncable (outlier, rejected, soft-failed, backfilled)
    state_before_group  INTEGER REFERENCES state_groups (group_nid),  -- NULL when the state is unknown
    state_after_group   INTEGER REFERENCES state_groups (group_nid)
);

-- Topological order for /messages and backfill: (depth, event_nid).
CREATE INDEX events_by_topology ON events (room_nid, depth, event_nid);
-- Incremental sync of one room: everything after stream position N.
CREATE INDEX events_by_room_stream ON events (room_nid, stream_pos) WHERE stream_pos IS NOT NULL;

-- The signed event exactly as received/created, in canonical JSON; kept apart so scans of events stay small.
CREATE TABLE event_json (
    event_nid  INTEGER NOT NULL PRIMARY KEY REFERENCES events (event_nid),
    json       TEXT    NOT NULL
);

-- prev_events (kind 0) and auth_events (kind 1). An edge to an event not stored yet keeps its ID in
-- missing_event_id; it is resolved to target_nid when that event arrives.
CREATE TABLE event_edges (
    event_nid         INTEGER NOT NULL REFERENCES events (event_nid),
    kind              INTEGER NOT NULL,
    target_nid        INTEGER REFERENCES events (event_nid),
    missing_event_id  TEXT,
    CHECK ((target_nid IS NULL) <> (missing_event_id IS NULL))
);

CREATE INDEX event_edges_by_event ON event_edges (event_nid, kind);   -- walking auth chains / prev events
CREATE INDEX event_edges_by_target ON event_edges (target_nid, kind); -- children of an event
CREATE INDEX event_edges_missing ON event_edges (missing_event_id) WHERE missing_event_id IS NOT NULL;

-- The events of a room with no children yet; the prev_events of the next local event.
CREATE TABLE forward_extremities (
    room_nid   INTEGER NOT NULL REFERENCES rooms (room_nid),
    event_nid  INTEGER NOT NULL REFERENCES events (event_nid),
    PRIMARY KEY (room_nid, event_nid)
) WITHOUT ROWID;

-- State ------------------------------------------------------------------------------------------
-- Interned (type, state_key) pairs, so state rows are three integers.
CREATE TABLE state_keys (
    state_key_nid  INTEGER NOT NULL PRIMARY KEY,
    type           TEXT    NOT NULL,
    state_key      TEXT    NOT NULL,
    UNIQUE (type, state_key)
);

-- A state group is a full snapshot (prev_group NULL) or a delta on prev_group. chain_length counts
-- the deltas down to the snapshot and is bounded, so loading a state reads at most that many groups.
CREATE TABLE state_groups (
    group_nid     INTEGER NOT NULL PRIMARY KEY,
    room_nid      INTEGER NOT NULL REFERENCES rooms (room_nid),
    prev_group    INTEGER REFERENCES state_groups (group_nid),
    chain_length  INTEGER NOT NULL
);

-- The entries of a group: for a snapshot, the whole state; for a delta, what changed.
-- event_nid NULL in a delta removes the key (state resolution can drop a key).
CREATE TABLE state_group_entries (
    group_nid      INTEGER NOT NULL REFERENCES state_groups (group_nid),
    state_key_nid  INTEGER NOT NULL REFERENCES state_keys (state_key_nid),
    event_nid      INTEGER REFERENCES events (event_nid),
    PRIMARY KEY (group_nid, state_key_nid)
) WITHOUT ROWID;

-- The fast path: the current state of each room, kept equal to rooms.current_state_group.
CREATE TABLE current_state (
    room_nid       INTEGER NOT NULL REFERENCES rooms (room_nid),
    state_key_nid  INTEGER NOT NULL REFERENCES state_keys (state_key_nid),
    event_nid      INTEGER NOT NULL REFERENCES events (event_nid),
    PRIMARY KEY (room_nid, state_key_nid)
) WITHOUT ROWID;
