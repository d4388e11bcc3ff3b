-- Login tokens (spec: client-server API, POST /login/get_token and the m.login.token login type) ------------
-- Single-use and short-lived; only the SHA-256 is stored. Consuming one deletes it in the same statement.
CREATE TABLE login_tokens (
    token_hash  BLOB    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    expires_ts  INTEGER NOT NULL
) WITHOUT ROWID;
