-- A link made in the browser is written only when the login code is exchanged with the
-- front-end's verifier: until then the flow holds the identity the provider vouched for (a
-- JSON object), so that a link started by one person cannot be finished by another's browser.
ALTER TABLE sso_flows ADD COLUMN identity TEXT;
