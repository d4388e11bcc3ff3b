-- Refresh tokens (spec: client-server API, "Refreshing access tokens") ----------------------------
-- A refresh token is exchanged for a new access token and a new refresh token. The old refresh token stays
-- valid until its successor (the new access token or the new refresh token) is first used, so a client
-- whose refresh response was lost can retry. Only SHA-256 hashes are stored.
CREATE TABLE refresh_tokens (
    token_hash       BLOB NOT NULL PRIMARY KEY,
    user_id          TEXT NOT NULL,
    device_id        TEXT NOT NULL,
    next_token_hash  BLOB,                        -- the refresh token this one was exchanged for, if any
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX refresh_tokens_by_next ON refresh_tokens (next_token_hash) WHERE next_token_hash IS NOT NULL;

-- An access token issued by a refresh carries the refresh token it superseded; its first use revokes that one.
ALTER TABLE access_tokens ADD COLUMN supersedes_refresh_hash BLOB;

CREATE INDEX access_tokens_by_refresh ON access_tokens (refresh_token_hash) WHERE refresh_token_hash IS NOT NULL;
