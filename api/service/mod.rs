//! The domain: accounts, login, sessions, second factors, lockouts and rate limits, the
//! login history and the audit log. Plain Rust: it knows no HTTP; every function takes a
//! [`Context`] (connection, keys, policies, client, `now`) and answers with [`Result`].

pub mod access_tokens;
pub mod accounts;
pub mod activity;
pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod client;
pub mod context;
pub mod devices;
pub mod email_verification;
pub mod error;
pub mod history;
pub mod ids;
pub mod instances;
pub mod introspection;
pub mod keyring;
pub mod login;
pub mod maintenance;
pub mod mfa;
pub mod operators;
pub mod orgs;
pub mod outbox;
pub mod pagination;
pub mod password_reset;
pub mod passwords;
pub mod phone_numbers;
pub mod policy;
pub mod rate_limit;
pub mod recovery;
pub mod sealed;
pub mod secret;
pub mod session_cache;
pub mod sessions;
pub mod signing_keys;
pub mod sso;
#[cfg(test)]
pub mod testing;
pub mod throttle;
pub mod webhooks;

pub use client::{ClientInfo, Location};
pub use context::{Context, Decision, Env, Tx};
pub use error::{Denial, Error, FieldError, Result};
pub use ids::{AccountId, FactorId, OrgId, SessionId};
pub use policy::{LoginPolicy, SessionPolicy};
pub use secret::Secret;
