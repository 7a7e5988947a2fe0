ALTER TABLE sessions DROP COLUMN idp_amr;
ALTER TABLE enrollment_tickets DROP COLUMN first_factor;
ALTER TABLE login_challenges DROP COLUMN first_factor;
DROP TABLE sso_flows;
DROP TABLE sso_identities;
DROP TABLE org_sso_domains;
DROP TABLE org_sso;
