-- Apps that take the provider's redirect themselves (callback "client") bring their own PKCE
-- (issue 20): the provider gets the app's code_challenge, and the callback's code_verifier must
-- answer it, so a code taken from the redirect is useless alone. Such a flow has no verifier of
-- the server's. SQLite cannot relax NOT NULL in place, and a flow lives ten minutes: the table
-- is made again, and sign-ins under way start again.
DROP TABLE sso_flows;
CREATE TABLE sso_flows (
    state_digest TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    -- The server's PKCE verifier, sealed (browser flows); NULL when the app keeps its own.
    verifier_ciphertext TEXT,
    key_id TEXT,
    -- The app's S256 code_challenge (callback "client"), which its code_verifier must answer.
    code_challenge TEXT,
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
