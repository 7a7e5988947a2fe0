-- Every outgoing message (email, SMS, WhatsApp, webhook), written in the transaction of the
-- change that causes it, and delivered by a background worker with retries. The content is
-- sealed under the keyring (it may carry a code or a reset link) and erased once the message
-- is delivered or has failed for good; what remains says what was sent where, and how it went.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    -- `email`, `sms`, `whatsapp` or `webhook`.
    channel TEXT NOT NULL,
    -- An email address, a phone number, or a webhook URL from the settings.
    recipient TEXT NOT NULL,
    -- What the message is (`password_reset`, `login.succeeded` …), for operators.
    kind TEXT NOT NULL,
    payload_ciphertext TEXT,
    key_id TEXT,
    -- `pending`, `delivered` or `failed`.
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- Set while a worker delivers it, so that no other instance does.
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_listing ON outbox (status, created_at, id);
