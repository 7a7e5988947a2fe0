-- Personal API keys: `tsk_<prefix>_<secret>`, kept only as a digest; the prefix is shown so
-- people can tell their keys apart.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_digest TEXT NOT NULL UNIQUE,
    -- JSON array of scopes.
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    -- When a use was last written to the login history (at most hourly).
    last_logged_at TIMESTAMP
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);
