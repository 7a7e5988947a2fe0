ALTER TABLE api_keys DROP COLUMN last_used_user_agent;
ALTER TABLE api_keys DROP COLUMN last_used_ip;
