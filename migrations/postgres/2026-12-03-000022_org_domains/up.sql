-- Verified domains (issue 19): an organisation claims a domain, and proves it with a DNS TXT
-- record (`_tessera-challenge.<domain>`) or an operator's word. Only a verified domain routes
-- SSO sign-ins, provisions accounts or makes a provider's emails trusted. Several
-- organisations may claim a domain; one at most has it verified (the first to prove it).
CREATE TABLE org_domains (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    -- Lower-case ASCII (IDNA: punycode).
    domain TEXT NOT NULL,
    -- The random part of the TXT record's value; public (it is published in DNS).
    challenge TEXT NOT NULL,
    -- Whether the organisation's SSO signs in the emails at this domain (once verified).
    sso INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    verified_at TIMESTAMP,
    -- `dns` or `operator`.
    verified_by TEXT,
    PRIMARY KEY (org_id, domain)
);
CREATE UNIQUE INDEX org_domains_verified ON org_domains (domain) WHERE verified_at IS NOT NULL;
CREATE INDEX org_domains_domain ON org_domains (domain);

-- The SSO domains so far were first-come claims nobody proved: they become unverified claims
-- of their organisations (still listed in the SSO settings), and route nothing until verified.
INSERT INTO org_domains (org_id, domain, challenge, sso, created_at)
SELECT d.org_id, d.domain, md5(random()::text || clock_timestamp()::text || d.domain), 1,
       COALESCE((SELECT s.updated_at FROM org_sso s WHERE s.org_id = d.org_id),
                now() AT TIME ZONE 'utc')
FROM org_sso_domains d;
DROP TABLE org_sso_domains;

-- SSO identities are the organisation's: (organisation, issuer, subject). A sign-in through
-- one organisation's provider never finds an identity linked under another, whatever the
-- issuer. (Every row names the organisation whose settings linked it since migration 000016.)
DROP INDEX sso_identities_subject;
CREATE UNIQUE INDEX sso_identities_subject ON sso_identities (org_id, issuer, subject);
