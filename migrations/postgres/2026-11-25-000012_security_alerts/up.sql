-- What the account wants to be told of by email; no row means the defaults (everything on).
CREATE TABLE notification_preferences (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    new_device_login BOOLEAN NOT NULL,
    failed_login BOOLEAN NOT NULL,
    -- When the last failed-login alert went out (at most one per 15 minutes).
    failed_login_alerted_at TIMESTAMP
);

-- Devices an account has signed in from: digests of the `tessera_device` cookie (or a mobile
-- client's `device_id`) with the account id, so a sign-in from anywhere else is news.
CREATE TABLE known_devices (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    device_digest TEXT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, device_digest)
);

-- The device a login challenge was opened from, for the sign-in that answers it.
ALTER TABLE login_challenges ADD COLUMN device_digest TEXT;
