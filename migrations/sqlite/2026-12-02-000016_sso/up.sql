-- Single sign-on through an organisation's OpenID Connect provider.

-- One provider per organisation. The client secret is sealed under the keyring (bound to the
-- organisation's id); the API never returns it.
CREATE TABLE org_sso (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    -- `idp` (the provider owns the second factor) or `both`.
    mfa TEXT NOT NULL,
    auto_provision INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The email domains whose people sign in through an organisation's provider; a domain
-- belongs to one organisation at most.
CREATE TABLE org_sso_domains (
    domain TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE
);
CREATE INDEX org_sso_domains_org ON org_sso_domains (org_id);

-- Who a provider says signed in, linked to an account by (issuer, subject).
CREATE TABLE sso_identities (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sso_identities_subject ON sso_identities (issuer, subject);
CREATE INDEX sso_identities_account ON sso_identities (account_id);

-- A sign-in at a provider under way: started, then answered by the provider (callback), and
-- for browsers redeemed once with a login code. `state` and the login code are kept as
-- digests; the PKCE verifier is sealed, bound to the row.
CREATE TABLE sso_flows (
    state_digest TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    verifier_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    -- The redirect_uri the provider was given, and where a browser goes afterwards.
    provider_redirect_uri TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    -- S256 of a secret the front-end keeps; the login code is redeemed only with it.
    exchange_challenge TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set by the callback.
    answered_at TIMESTAMP,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    -- The provider's authentication methods (RFC 8176), JSON.
    amr TEXT,
    login_code_digest TEXT,
    login_code_expires_at TIMESTAMP,
    redeemed_at TIMESTAMP
);
CREATE UNIQUE INDEX sso_flows_login_code ON sso_flows (login_code_digest);
CREATE INDEX sso_flows_expires_at ON sso_flows (expires_at);

-- How the first step of a sign-in was made (`password` or `sso`), for the session and the
-- history once the second factor or the forced enrolment is done.
ALTER TABLE login_challenges ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'password';
ALTER TABLE enrollment_tickets ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'password';

-- What the identity provider said of its sign-in (`amr`, RFC 8176, JSON), for SSO sessions.
ALTER TABLE sessions ADD COLUMN idp_amr TEXT;
-- The session cache's counter watches the new column too (migration 000015).
DROP TRIGGER sessions_auth_epoch_update;
CREATE TRIGGER sessions_auth_epoch_update AFTER UPDATE ON sessions
WHEN OLD.id IS NOT NEW.id
  OR OLD.account_id IS NOT NEW.account_id
  OR OLD.token_hash IS NOT NEW.token_hash
  OR OLD.aal IS NOT NEW.aal
  OR OLD.methods IS NOT NEW.methods
  OR OLD.ip IS NOT NEW.ip
  OR OLD.user_agent IS NOT NEW.user_agent
  OR OLD.location_country IS NOT NEW.location_country
  OR OLD.location_city IS NOT NEW.location_city
  OR OLD.created_at IS NOT NEW.created_at
  OR OLD.expires_at IS NOT NEW.expires_at
  OR OLD.revoked_at IS NOT NEW.revoked_at
  OR OLD.mfa_enrollment_deadline IS NOT NEW.mfa_enrollment_deadline
  OR OLD.idp_amr IS NOT NEW.idp_amr
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;
