-- Each running server reports which keyring keys it holds (issue 28): `tessera keys reseal`
-- and `retire` go ahead only once every live instance has loaded the active key, so nothing is
-- re-sealed under a key a running server cannot open. A row is live while `seen_at` is recent
-- (a heartbeat); a server that stops removes its own, a crashed one's simply goes stale.
CREATE TABLE server_instances (
    id TEXT PRIMARY KEY NOT NULL,
    -- Where it runs, for the operator: host name and process id.
    host TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    active_key_id TEXT NOT NULL,
    -- Every key it holds, space-separated.
    key_ids TEXT NOT NULL
);
