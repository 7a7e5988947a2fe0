-- One-time codes sent by SMS or WhatsApp: to activate such a factor, to verify the profile's
-- WhatsApp number, or to answer a login challenge. Kept as keyed digests bound to their row; valid 10 minutes, 5 wrong tries, used
-- once. The rows also count the sends for the cooldown and the hourly cap.
CREATE TABLE sent_codes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The factor the code was sent for; none for the profile's WhatsApp number.
    factor_id TEXT REFERENCES mfa_factors(id) ON DELETE CASCADE,
    -- `sms` or `whatsapp`.
    channel TEXT NOT NULL,
    -- `activation`, `verification` (of the profile's number) or `login`.
    purpose TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX sent_codes_account ON sent_codes (account_id, created_at);
CREATE INDEX sent_codes_factor ON sent_codes (factor_id, created_at);

-- When the profile's WhatsApp number was proven (a code sent to it came back); cleared when
-- the number changes.
ALTER TABLE accounts ADD COLUMN whatsapp_verified_at TIMESTAMP;
