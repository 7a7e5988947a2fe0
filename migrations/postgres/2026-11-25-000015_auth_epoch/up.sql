-- Nothing to do on PostgreSQL. On SQLite this migration adds the change counter (`auth_epoch`)
-- and the triggers that move it, for the in-memory session cache the session check keeps
-- there (`service::session_cache`); on PostgreSQL the check reads the database every time.
-- The migration exists here too so that both folders hold the same list (a test checks it).
SELECT 1;
