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
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;
ALTER TABLE accounts DROP COLUMN mfa_disabled_by;
ALTER TABLE accounts DROP COLUMN mfa_first_enabled_at;
