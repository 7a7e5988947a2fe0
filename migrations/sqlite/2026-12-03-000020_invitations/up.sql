-- Membership is consent (issue 19): an organisation invites an email address; the invitation
-- is accepted by the account with that address (signed in), or by someone without an account,
-- who then gets an account managed by the organisation. The token is stored as a digest.
CREATE TABLE org_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    -- `owner`, `admin` or `member`: the role the invited person gets.
    role TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX org_invitations_org ON org_invitations (org_id, created_at, id);
CREATE INDEX org_invitations_email ON org_invitations (email);
