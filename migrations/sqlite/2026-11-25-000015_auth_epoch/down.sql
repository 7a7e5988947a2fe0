DROP TRIGGER accounts_auth_epoch_delete;
DROP TRIGGER accounts_auth_epoch_update;
DROP TRIGGER sessions_auth_epoch_delete;
DROP TRIGGER sessions_auth_epoch_update;
DROP TABLE auth_epoch;
