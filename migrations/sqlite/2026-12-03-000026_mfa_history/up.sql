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

-- The session cache's counter watches the new columns too (migration 000015).
DROP TRIGGER accounts_auth_epoch_update;
CREATE TRIGGER accounts_auth_epoch_update AFTER UPDATE ON accounts
WHEN OLD.id IS NOT NEW.id
  OR OLD.email IS NOT NEW.email
  OR OLD.password_hash IS NOT NEW.password_hash
  OR OLD.display_name IS NOT NEW.display_name
  OR OLD.phone IS NOT NEW.phone
  OR OLD.whatsapp_number IS NOT NEW.whatsapp_number
  OR OLD.password_changed_at IS NOT NEW.password_changed_at
  OR OLD.created_at IS NOT NEW.created_at
  OR OLD.updated_at IS NOT NEW.updated_at
  OR OLD.mfa_disabled_at IS NOT NEW.mfa_disabled_at
  OR OLD.frozen_at IS NOT NEW.frozen_at
  OR OLD.whatsapp_verified_at IS NOT NEW.whatsapp_verified_at
  OR OLD.email_verified_at IS NOT NEW.email_verified_at
  OR OLD.managed_by_org_id IS NOT NEW.managed_by_org_id
  OR OLD.mfa_first_enabled_at IS NOT NEW.mfa_first_enabled_at
  OR OLD.mfa_disabled_by IS NOT NEW.mfa_disabled_by
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;
