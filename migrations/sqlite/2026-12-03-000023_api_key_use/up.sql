-- Every use of an API key is placed (issue 20): the address and user agent it last came from,
-- shown with the key, as the login history shows them for sign-ins.
ALTER TABLE api_keys ADD COLUMN last_used_ip TEXT;
ALTER TABLE api_keys ADD COLUMN last_used_user_agent TEXT;
