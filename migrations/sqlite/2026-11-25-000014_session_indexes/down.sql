DROP INDEX sessions_revoked_at;
CREATE INDEX sessions_revoked_at ON sessions (revoked_at);
CREATE INDEX sessions_last_active_at ON sessions (last_active_at);
