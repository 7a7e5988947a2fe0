-- An organisation may say which second factors meet its MFA requirement (issue 20): a JSON
-- array of factor types (`["totp", "hardware_token"]`); null: any.
ALTER TABLE orgs ADD COLUMN allowed_methods TEXT;
-- An enrolment ticket handed out after a login proved a second factor that does not meet an
-- organisation's requirement: which one it proved (null: the login proved only its first step,
-- and the ticket then enrols a first factor only).
ALTER TABLE enrollment_tickets ADD COLUMN second_factor TEXT;
