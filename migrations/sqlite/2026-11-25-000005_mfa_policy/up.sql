-- Organisation-wide MFA requirement, with the default grace period for its members.
ALTER TABLE orgs ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN enforcement_delay_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN require_mfa_since TIMESTAMP;

-- A requirement set for one member (overrides the organisation's), and the enforcement
-- clock an admin reset restarts.
ALTER TABLE org_members ADD COLUMN mfa_required_since TIMESTAMP;
ALTER TABLE org_members ADD COLUMN mfa_delay_days INTEGER;
ALTER TABLE org_members ADD COLUMN mfa_clock_started_at TIMESTAMP;

-- When the account last turned MFA off, for the admins' view.
ALTER TABLE accounts ADD COLUMN mfa_disabled_at TIMESTAMP;

-- A session issued within a grace period carries the deadline, so the front-end can nag
-- without another query on the hot path.
ALTER TABLE sessions ADD COLUMN mfa_enrollment_deadline TIMESTAMP;

-- After the deadline, login answers with an enrolment ticket instead of a session: it
-- authorises only enrolment, once, for a short while. Stored as a digest.
CREATE TABLE enrollment_tickets (
    id_digest TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX enrollment_tickets_expires_at ON enrollment_tickets (expires_at);
