//! The HTTP suite, one binary (one link), a file per resource. Every test starts its own
//! Tessera on an ephemeral port with a fresh database (see `common`) and talks to it over
//! real HTTP, as a client would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod access_tokens;
mod accounts;
mod admin;
mod alerts;
mod api_keys;
mod architecture;
mod browsers;
mod domains;
mod email_verification;
mod error_codes;
mod errors;
mod hardware_tokens;
mod introspection;
mod keys;
mod lifecycle;
mod limits;
mod login_history;
mod messaging_budget;
mod mfa;
mod openapi;
mod org_limits;
mod org_mfa;
mod orgs;
mod outbox;
mod password_reset;
mod sent_codes;
mod sessions;
mod sso;
mod sso_egress;
mod sso_proofs;
mod sso_trust;
mod step_up;
mod storage;
mod trust_model;
mod ways_in;
