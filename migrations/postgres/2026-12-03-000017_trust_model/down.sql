DROP INDEX accounts_managed_by;
ALTER TABLE accounts DROP COLUMN managed_by_org_id;
ALTER TABLE accounts DROP COLUMN email_verified_at;
