DROP TABLE login_throttles;
DROP TABLE login_events;
DROP TABLE sessions;
DROP TABLE accounts;
