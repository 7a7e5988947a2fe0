-- The session check keeps the sessions it looked up in memory (SQLite only; see
-- `service::session_cache`). Its entries hold while this counter stands still. Every change
-- that can alter a check's answer moves it, whoever makes it: the server, the command line,
-- or SQL typed by hand. A session's `last_active_at` is left out: the server writes it in
-- batches about once a second and the check already knows the uses it noted.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER sessions_auth_epoch_update AFTER UPDATE ON sessions
WHEN OLD.id IS NOT NEW.id
  OR OLD.account_id IS NOT NEW.account_id
  OR OLD.token_hash IS NOT NEW.token_hash
  OR OLD.aal IS NOT NEW.aal
  OR OLD.methods IS NOT NEW.methods
  OR OLD.ip IS NOT NEW.ip
  OR OLD.user_agent IS NOT NEW.user_agent
  OR OLD.location_country IS NOT NEW.location_country
  OR OLD.location_city IS NOT NEW.location_city
  OR OLD.created_at IS NOT NEW.created_at
  OR OLD.expires_at IS NOT NEW.expires_at
  OR OLD.revoked_at IS NOT NEW.revoked_at
  OR OLD.mfa_enrollment_deadline IS NOT NEW.mfa_enrollment_deadline
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;

CREATE TRIGGER sessions_auth_epoch_delete AFTER DELETE ON sessions
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;

-- Locking an account is a no-op update (`SET updated_at = updated_at`): it changes nothing
-- and moves nothing.
CREATE TRIGGER accounts_auth_epoch_update AFTER UPDATE ON accounts
WHEN OLD.id IS NOT NEW.id
  OR OLD.email IS NOT NEW.email
  OR OLD.password_hash IS NOT NEW.password_hash
  OR OLD.display_name IS NOT NEW.display_name
  OR OLD.phone IS NOT NEW.phone
  OR OLD.whatsapp_number IS NOT NEW.whatsapp_number
  OR OLD.password_changed_at IS NOT NEW.password_changed_at
  OR OLD.created_at IS NOT NEW.created_at
  OR OLD.updated_at IS NOT NEW.updated_at
  OR OLD.mfa_disabled_at IS NOT NEW.mfa_disabled_at
  OR OLD.frozen_at IS NOT NEW.frozen_at
  OR OLD.whatsapp_verified_at IS NOT NEW.whatsapp_verified_at
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;

CREATE TRIGGER accounts_auth_epoch_delete AFTER DELETE ON accounts
BEGIN
    UPDATE auth_epoch SET n = n + 1;
END;
