-- Server administrators (Synapse-compatible admin API; shared-secret registration can create them).
ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;

-- Registration tokens (spec: client-server API "Token-authenticated registration"; managed through the
-- Synapse-compatible admin API). pending counts UIA sessions holding the token, completed counts accounts
-- registered with it; a token is usable while pending + completed < uses_allowed (NULL: unlimited) and
-- expiry_time (ms since the epoch; NULL: never) is in the future.
CREATE TABLE registration_tokens (
    token          TEXT    NOT NULL PRIMARY KEY,
    uses_allowed   INTEGER,
    pending        INTEGER NOT NULL DEFAULT 0,
    completed      INTEGER NOT NULL DEFAULT 0,
    expiry_time    INTEGER
) WITHOUT ROWID;
