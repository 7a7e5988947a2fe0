-- Hardware TOTP tokens an organisation registers; a member binds one by proving a code. The
-- secret is sealed under the server key and never returned.
CREATE TABLE hardware_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    serial TEXT NOT NULL,
    model TEXT NOT NULL,
    period INTEGER NOT NULL,
    digits INTEGER NOT NULL,
    algorithm TEXT NOT NULL,
    secret_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    assigned_account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    assigned_at TIMESTAMP
);
CREATE UNIQUE INDEX hardware_tokens_serial ON hardware_tokens (org_id, serial);
CREATE INDEX hardware_tokens_page ON hardware_tokens (org_id, created_at, id);
CREATE INDEX hardware_tokens_assigned ON hardware_tokens (assigned_account_id);

-- A factor's hash (hardware tokens may use SHA-256 or SHA-512), and the token it copies.
ALTER TABLE mfa_factors ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'SHA1';
ALTER TABLE mfa_factors ADD COLUMN hardware_token_id TEXT;
