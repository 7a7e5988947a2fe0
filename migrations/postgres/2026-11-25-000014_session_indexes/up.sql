-- A session's last activity is written about once a minute for every session in use, and an
-- index on it made each of those writes change a second B-tree. Only the hourly prune looked
-- sessions up by it; it scans instead.
DROP INDEX sessions_last_active_at;

-- Only revoked sessions are looked up by revocation time: live ones (NULL) stay out of the
-- index, so issuing a session no longer writes to it.
DROP INDEX sessions_revoked_at;
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
