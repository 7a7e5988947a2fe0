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
