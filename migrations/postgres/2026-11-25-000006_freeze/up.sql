-- Support can freeze an account: its sessions end and nobody can sign in to it.
ALTER TABLE accounts ADD COLUMN frozen_at TIMESTAMP;

-- Credentials of the operators who may call /v1/admin, made on the command line and stored
-- as digests.
CREATE TABLE operator_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
