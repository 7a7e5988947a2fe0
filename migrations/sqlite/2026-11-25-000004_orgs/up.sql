CREATE TABLE orgs (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE org_members (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- `owner`, `admin` or `member`.
    role TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, account_id)
);
CREATE INDEX org_members_account ON org_members (account_id);
CREATE INDEX org_members_page ON org_members (org_id, added_at, account_id);

-- Events about an organisation (its policy, its members) also name it, for its audit log.
ALTER TABLE audit_events ADD COLUMN org_id TEXT;
CREATE INDEX audit_events_org ON audit_events (org_id, occurred_at, id);
