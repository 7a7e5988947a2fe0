-- The messaging ledger (issue 20): one row per SMS or WhatsApp message sent, counted by the
-- send budgets (per account, per destination number, per client address, per deployment).
-- No foreign keys on purpose: deleting a factor, re-enrolling or deleting the account must not
-- give the budget back. Rows are pruned two days after they were written (the longest window
-- is a day).
CREATE TABLE message_sends (
    id TEXT PRIMARY KEY NOT NULL,
    -- `sms` or `whatsapp`.
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    -- A keyed digest of the number (the ledger holds no phone numbers).
    destination_digest TEXT NOT NULL,
    -- The client address the send was asked from (IPv6 by /64).
    client_network TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX message_sends_account ON message_sends (account_id, created_at);
CREATE INDEX message_sends_destination ON message_sends (destination_digest, created_at);
CREATE INDEX message_sends_client ON message_sends (client_network, created_at);
CREATE INDEX message_sends_channel ON message_sends (channel, created_at);

-- The days a deployment-wide cap was reached, one row per channel and day: the operator's
-- `messaging.cap_reached` webhook goes out once, not on every refused send.
CREATE TABLE messaging_cap_alerts (
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (channel, day)
);
