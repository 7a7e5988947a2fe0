ALTER TABLE accounts DROP COLUMN whatsapp_verified_at;
DROP TABLE sent_codes;
