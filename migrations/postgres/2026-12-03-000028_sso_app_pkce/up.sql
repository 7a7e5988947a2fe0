-- Apps that take the provider's redirect themselves (callback "client") bring their own PKCE
-- (issue 20): the provider gets the app's code_challenge, and the callback's code_verifier must
-- answer it, so a code taken from the redirect is useless alone. Such a flow has no verifier of
-- the server's. Sign-ins under way (ten minutes at most) start again, as on SQLite.
DELETE FROM sso_flows;
ALTER TABLE sso_flows ALTER COLUMN verifier_ciphertext DROP NOT NULL;
ALTER TABLE sso_flows ALTER COLUMN key_id DROP NOT NULL;
-- The app's S256 code_challenge (callback "client"), which its code_verifier must answer.
ALTER TABLE sso_flows ADD COLUMN code_challenge TEXT;
