-- Ranvier SQLite schema, version 17: cross-signing (spec: client-server API "Cross-signing").

-- A user's current cross-signing keys, one per usage ('master', 'self_signing', 'user_signing'). key_json is the
-- canonical JSON of the CrossSigningKey object as uploaded (with the signatures it came with); public_key is its one
-- ed25519 public key (unpadded base64), which is also the key's ID in signatures ("ed25519:<public_key>").
-- A new upload replaces the row of its usage.
CREATE TABLE cross_signing_keys (
    user_id     TEXT NOT NULL,
    usage       TEXT NOT NULL CHECK (usage IN ('master', 'self_signing', 'user_signing')),
    public_key  TEXT NOT NULL,
    key_json    TEXT NOT NULL,
    PRIMARY KEY (user_id, usage)
) WITHOUT ROWID;

-- Signatures uploaded through POST /keys/signatures/upload, beside the signed objects rather than inside them. The
-- target is a device's keys (target_kind 'device', target_key_id the device ID) or a cross-signing key (target_kind
-- 'cross_signing', target_key_id its public key) of target_user_id. signer_key_id is the full key ID ("ed25519:…").
CREATE TABLE cross_signing_signatures (
    target_user_id  TEXT NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('device', 'cross_signing')),
    target_key_id   TEXT NOT NULL,
    signer_user_id  TEXT NOT NULL,
    signer_key_id   TEXT NOT NULL,
    signature       TEXT NOT NULL,
    PRIMARY KEY (target_user_id, target_kind, target_key_id, signer_user_id, signer_key_id)
) WITHOUT ROWID;

-- Replacing a key forgets what it signed (the store deletes by signer); this index finds those rows.
CREATE INDEX cross_signing_signatures_by_signer ON cross_signing_signatures (signer_user_id, signer_key_id);

-- A deleted device takes the signatures on its keys with it, so that a later device with the same ID starts unsigned.
CREATE TRIGGER cross_signing_signatures_device_deleted AFTER DELETE ON devices
BEGIN
    DELETE FROM cross_signing_signatures
    WHERE target_user_id = OLD.user_id AND target_kind = 'device' AND target_key_id = OLD.device_id;
END;
