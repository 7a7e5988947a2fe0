-- Ed25519 keys that sign JWT access tokens. The private key (PKCS#8) is sealed under the
-- keyring's key `key_id`, bound to its `kid`: a dump alone signs nothing. The newest key that
-- is not retired signs; a retired key stays published in the JWKS until the tokens it signed
-- have expired, then the periodic clean-up deletes it.
CREATE TABLE signing_keys (
    -- RFC 7638 thumbprint of the public key.
    kid TEXT PRIMARY KEY NOT NULL,
    algorithm TEXT NOT NULL,
    -- The public key as the JWK `x` (base64url).
    public_key TEXT NOT NULL,
    private_key_ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

-- Integrators' back-ends' credentials for `POST /v1/introspect` (`tsi_…`), made on the
-- command line and kept only as a digest.
CREATE TABLE introspection_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
