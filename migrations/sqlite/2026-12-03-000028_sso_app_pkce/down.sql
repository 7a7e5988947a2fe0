-- Back to flows that all hold a verifier of the server's; sign-ins under way start again.
DROP TABLE sso_flows;
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
