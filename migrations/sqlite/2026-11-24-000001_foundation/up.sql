CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT,
    phone TEXT,
    whatsapp_number TEXT,
    password_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    aal TEXT NOT NULL,
    methods TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    location_country TEXT,
    location_city TEXT,
    created_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_account_id ON sessions (account_id, created_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE login_events (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    method TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    location_country TEXT,
    location_city TEXT,
    outcome TEXT NOT NULL,
    failure_reason TEXT,
    mfa_method TEXT
);
CREATE INDEX login_events_account ON login_events (account_id, occurred_at, id);
CREATE INDEX login_events_occurred_at ON login_events (occurred_at);

CREATE TABLE login_throttles (
    subject TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
