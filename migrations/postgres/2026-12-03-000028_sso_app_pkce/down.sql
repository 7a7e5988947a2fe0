-- Back to flows that all hold a verifier of the server's; sign-ins under way start again.
DELETE FROM sso_flows;
ALTER TABLE sso_flows DROP COLUMN code_challenge;
ALTER TABLE sso_flows ALTER COLUMN key_id SET NOT NULL;
ALTER TABLE sso_flows ALTER COLUMN verifier_ciphertext SET NOT NULL;
