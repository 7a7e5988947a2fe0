ALTER TABLE sso_flows DROP COLUMN identity;
