CREATE TABLE mfa_factors (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    secret_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    digits INTEGER NOT NULL,
    period INTEGER NOT NULL,
    last_used_step BIGINT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    activated_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX mfa_factors_account ON mfa_factors (account_id);
-- One active factor of a kind per account, whatever the races.
CREATE UNIQUE INDEX mfa_factors_one_active ON mfa_factors (account_id, kind) WHERE status = 'active';

CREATE TABLE recovery_code_sets (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    codes_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    set_id TEXT NOT NULL REFERENCES recovery_code_sets(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE UNIQUE INDEX recovery_codes_lookup ON recovery_codes (account_id, code_digest);
CREATE INDEX recovery_codes_set ON recovery_codes (set_id);

CREATE TABLE login_challenges (
    id_digest TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX login_challenges_expires_at ON login_challenges (expires_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    actor_account_id TEXT,
    event TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    details TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_account ON audit_events (account_id, occurred_at, id);
