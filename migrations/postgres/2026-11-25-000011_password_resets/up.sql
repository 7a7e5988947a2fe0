-- Password reset tokens (`tsr_…`), mailed as a link and kept only as a digest; single use,
-- valid an hour, and a newer request ends the older ones.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_account ON password_resets (account_id, created_at);
