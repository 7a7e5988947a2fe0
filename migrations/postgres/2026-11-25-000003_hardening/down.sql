DROP INDEX login_challenges_account;
DROP INDEX mfa_factors_pending;
DROP INDEX sessions_last_active_at;
DROP INDEX sessions_revoked_at;
DROP INDEX login_throttles_window;
UPDATE recovery_codes SET code_digest = substring(code_digest from position(':' in code_digest) + 1)
WHERE code_digest LIKE '%:%';
ALTER TABLE mfa_factors DROP COLUMN failed_attempts;
DROP TABLE rate_limits;
