-- An enrolment ticket opens exactly the methods its login answer listed (issue 20): a JSON
-- array of method names. Tickets from before open the authenticator only, as they said.
ALTER TABLE enrollment_tickets ADD COLUMN methods TEXT NOT NULL DEFAULT '["totp"]';
