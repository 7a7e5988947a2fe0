-- Per-client rate limits: one row per (kind, client IP), GCRA. `tat` is the bucket's
-- theoretical arrival time in microseconds since the epoch; a bucket whose `tat` has passed
-- is full again and can be pruned.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);

-- Wrong codes at activation: the pending factor dies after five.
ALTER TABLE mfa_factors ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;

-- Keyed digests name their key (`key_id:hex`); the digests made so far were made with the
-- key their set is sealed with.
UPDATE recovery_codes
SET code_digest = (SELECT s.key_id FROM recovery_code_sets s WHERE s.id = recovery_codes.set_id) || ':' || code_digest
WHERE code_digest NOT LIKE '%:%';

-- Lockout counters are now per (account, IP) and per account; the old per-email counters
-- match no subject any more.
DELETE FROM login_throttles;

-- Indexes for pruning in batches.
CREATE INDEX login_throttles_window ON login_throttles (window_started_at);
CREATE INDEX sessions_revoked_at ON sessions (revoked_at);
CREATE INDEX sessions_last_active_at ON sessions (last_active_at);
CREATE INDEX mfa_factors_pending ON mfa_factors (status, expires_at);
CREATE INDEX login_challenges_account ON login_challenges (account_id);
