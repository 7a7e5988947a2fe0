DROP TRIGGER sessions_auth_epoch_update;
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
ALTER TABLE sessions DROP COLUMN idp_amr;
ALTER TABLE enrollment_tickets DROP COLUMN first_factor;
ALTER TABLE login_challenges DROP COLUMN first_factor;
DROP TABLE sso_flows;
DROP TABLE sso_identities;
DROP TABLE org_sso_domains;
DROP TABLE org_sso;
