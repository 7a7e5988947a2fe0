ALTER TABLE login_challenges DROP COLUMN device_digest;
DROP TABLE known_devices;
DROP TABLE notification_preferences;
