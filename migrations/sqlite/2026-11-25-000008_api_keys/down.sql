DROP INDEX api_keys_account;
DROP TABLE api_keys;
