DROP TABLE operator_keys;
ALTER TABLE accounts DROP COLUMN frozen_at;
