DROP TABLE introspection_keys;
DROP TABLE signing_keys;
