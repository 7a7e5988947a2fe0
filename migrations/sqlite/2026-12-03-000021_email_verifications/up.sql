-- Proving an email address (issue 19): a 6-digit code and a link (`tsv_…`) sent to it, for
-- the account's own address (`verify`) or for a new one it asks to move to (`change`). Both
-- kept only as digests (the code keyed and bound to its row); valid 24 hours, used once, the
-- code dead after 5 wrong tries; a newer one ends the older ones. The rows also count the
-- sends for the cooldown and the hourly cap: superseding only marks them.
CREATE TABLE email_verifications (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- `verify` or `change`.
    purpose TEXT NOT NULL,
    -- The address the code and link were sent to.
    email TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    code_digest TEXT NOT NULL,
    -- For a change: the session that asked for it.
    session_id TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX email_verifications_account ON email_verifications (account_id, created_at);
