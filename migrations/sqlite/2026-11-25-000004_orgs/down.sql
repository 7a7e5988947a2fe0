DROP INDEX audit_events_org;
ALTER TABLE audit_events DROP COLUMN org_id;
DROP TABLE org_members;
DROP TABLE orgs;
