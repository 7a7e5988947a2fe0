ALTER TABLE accounts DROP COLUMN mfa_disabled_by;
ALTER TABLE accounts DROP COLUMN mfa_first_enabled_at;
