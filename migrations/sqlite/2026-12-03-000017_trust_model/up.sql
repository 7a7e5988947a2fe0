-- The trust model (issue 19): when the account's email was proven, and the organisation that
-- manages the account (created it: an invitation accepted by someone without an account, an
-- SSO provisioning at a verified domain, an import). Only the managing organisation may
-- remove or replace the account's factors.
ALTER TABLE accounts ADD COLUMN email_verified_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN managed_by_org_id TEXT REFERENCES orgs(id) ON DELETE SET NULL;
CREATE INDEX accounts_managed_by ON accounts (managed_by_org_id) WHERE managed_by_org_id IS NOT NULL;

-- Accounts an organisation's SSO provisioned (no password of their own) become managed by it.
UPDATE accounts SET managed_by_org_id = (
    SELECT i.org_id FROM sso_identities i WHERE i.account_id = accounts.id
    ORDER BY i.created_at LIMIT 1
)
WHERE password_hash = '!sso';

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
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;
