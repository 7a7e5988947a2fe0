DROP TABLE sent_codes;
