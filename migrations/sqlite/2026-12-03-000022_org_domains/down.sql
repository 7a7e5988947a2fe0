-- Identities keyed by (issuer, subject) again: of the same identity under several
-- organisations, the oldest link stays.
DELETE FROM sso_identities WHERE EXISTS (
    SELECT 1 FROM sso_identities o
    WHERE o.issuer = sso_identities.issuer AND o.subject = sso_identities.subject
      AND (o.created_at < sso_identities.created_at
           OR (o.created_at = sso_identities.created_at AND o.id < sso_identities.id))
);
DROP INDEX sso_identities_subject;
CREATE UNIQUE INDEX sso_identities_subject ON sso_identities (issuer, subject);

CREATE TABLE org_sso_domains (
    domain TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE
);
CREATE INDEX org_sso_domains_org ON org_sso_domains (org_id);
-- A verified claim first, then the oldest.
INSERT OR IGNORE INTO org_sso_domains (domain, org_id)
SELECT domain, org_id FROM org_domains WHERE sso = 1
ORDER BY verified_at IS NULL, created_at;
DROP TABLE org_domains;
