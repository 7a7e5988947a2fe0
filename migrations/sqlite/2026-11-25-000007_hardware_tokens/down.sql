ALTER TABLE mfa_factors DROP COLUMN hardware_token_id;
ALTER TABLE mfa_factors DROP COLUMN algorithm;
DROP INDEX hardware_tokens_assigned;
DROP INDEX hardware_tokens_page;
DROP INDEX hardware_tokens_serial;
DROP TABLE hardware_tokens;
