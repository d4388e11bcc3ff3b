-- Media repository (spec: client-server API "Content repository") ---------------------------------------------
-- Metadata only: the bytes live on the file system, content-addressed by their SHA-256 (docs/media.md).
-- Keys carry the origin server name, so media cached from other servers (federation, later) fits the same
-- tables beside local uploads.

-- One row per mxc:// URI. A reservation from POST /_matrix/media/v1/create has no bytes yet
-- (uploaded_ts, sha256 and size NULL) and expires at expires_ts unless its upload arrives first.
CREATE TABLE media (
    origin        TEXT    NOT NULL,
    media_id      TEXT    NOT NULL,
    user_id       TEXT,                       -- the local uploader; NULL for media the server fetched itself
    content_type  TEXT,
    upload_name   TEXT,
    size          INTEGER,
    sha256        TEXT,                       -- lower-case hex of the bytes: their file's name
    created_ts    INTEGER NOT NULL,
    uploaded_ts   INTEGER,
    expires_ts    INTEGER,                    -- only for reservations not yet uploaded
    PRIMARY KEY (origin, media_id)
) WITHOUT ROWID;

-- Pending reservations per user (the per-user limit) and by expiry (the sweep).
CREATE INDEX media_pending_by_user ON media (user_id, expires_ts) WHERE uploaded_ts IS NULL;
CREATE INDEX media_pending_by_expiry ON media (expires_ts) WHERE uploaded_ts IS NULL;
-- Uploaded bytes per user (the optional quota).
CREATE INDEX media_uploaded_by_user ON media (user_id, size) WHERE uploaded_ts IS NOT NULL;

-- Thumbnails generated on demand, one per size, method and type of one piece of media.
CREATE TABLE media_thumbnails (
    origin        TEXT    NOT NULL,
    media_id      TEXT    NOT NULL,
    width         INTEGER NOT NULL,           -- the size asked of the thumbnailer (the file may be smaller: no upscaling)
    height        INTEGER NOT NULL,
    method        TEXT    NOT NULL,           -- 'crop' or 'scale'
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    PRIMARY KEY (origin, media_id, width, height, method),
    FOREIGN KEY (origin, media_id) REFERENCES media (origin, media_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- URL previews (GET /media/preview_url), the latest fetch of each URL.
CREATE TABLE url_previews (
    url           TEXT    NOT NULL PRIMARY KEY,
    fetched_ts    INTEGER NOT NULL,
    og_json       TEXT    NOT NULL
) WITHOUT ROWID;
