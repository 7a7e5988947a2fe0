DROP TABLE audit_events;
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
DROP TABLE recovery_code_sets;
DROP TABLE mfa_factors;
