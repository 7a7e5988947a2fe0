-- What an organisation's member MFA view must never forget (issue 20): when MFA was first on,
-- and who last turned it off (the account itself, or the admin who reset it).
ALTER TABLE accounts ADD COLUMN mfa_first_enabled_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN mfa_disabled_by TEXT;
UPDATE accounts SET mfa_first_enabled_at = (
    SELECT MIN(activated_at) FROM mfa_factors
    WHERE mfa_factors.account_id = accounts.id AND mfa_factors.activated_at IS NOT NULL
);
UPDATE accounts SET mfa_first_enabled_at = mfa_disabled_at
    WHERE mfa_first_enabled_at IS NULL AND mfa_disabled_at IS NOT NULL;
