//! Single sign-on through an organisation's OpenID Connect provider: its settings, the
//! authorization-code flow with PKCE (started, answered by the provider, redeemed), the
//! ID-token checks, and the sign-in it ends in. The round trips to the provider (`identify`
//! for a sign-in, `discovery` for the settings) are async, over the
//! [`provider::IdentityProvider`] trait; the rest is synchronous, given a
//! [`Context`](crate::service::Context).
//!
//! ```text
//!   start ──▶ flow (state, nonce, PKCE verifier; 10 minutes)
//!               │ the provider answers at the callback (once)
//!               ├─ POST callback ───────────────▶ sign-in (session, challenge or enrolment)
//!               └─ GET callback ─▶ login code (2 minutes, once) ─ exchange ─▶ sign-in
//! ```

pub mod discovery;
#[cfg(test)]
mod fake_provider;
pub mod flows;
pub mod id_token;
pub mod identify;
pub mod identities;
pub mod pkce;
pub mod provider;
pub mod settings;
pub mod sign_in;

/// The server's side of SSO, from its settings.
#[derive(Debug, Clone, Default)]
pub struct SsoPolicy {
    /// Where the provider sends browsers back in the browser flow: this server's
    /// `GET /v1/auth/sso/callback`, as organisations register it at their provider.
    pub callback_url: String,
    /// The front-end and app URLs a flow may end at (`redirect_uri` of `start`).
    pub redirect_uris: Vec<String>,
    /// Providers on this machine may be configured (development and tests).
    pub allow_loopback_issuers: bool,
}

/// How a password-less account is marked: no argon2 hash looks like this, so no password
/// ever verifies against it. Accounts provisioned by SSO sign in at their provider.
pub const NO_PASSWORD: &str = "!sso";

/// The account has no password of its own (provisioned by SSO).
pub fn has_no_password(password_hash: &str) -> bool {
    password_hash == NO_PASSWORD
}
