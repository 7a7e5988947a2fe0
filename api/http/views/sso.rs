//! The wire shape of the single sign-on's domain types: each with its schema, and made
//! `From` the service type it shows (or, for what a request sends, made into it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::sso::{flows, identities, settings};

/// Where the provider sends the browser back with the code.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Callback {
    /// To this server (`GET /v1/auth/sso/callback`), which then sends the browser on to
    /// `redirect_uri` with a one-time `login_code` for `POST /v1/auth/sso/exchange`.
    #[default]
    Tessera,
    /// To `redirect_uri` itself (an SPA or a mobile app), which posts `code` and `state` to
    /// `POST /v1/auth/sso/callback`.
    Client,
}

impl From<Callback> for flows::Callback {
    fn from(callback: Callback) -> Self {
        match callback {
            Callback::Tessera => flows::Callback::Tessera,
            Callback::Client => flows::Callback::Client,
        }
    }
}

/// Who checks the second factor of the organisation's SSO sign-ins.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SsoMfa {
    /// The identity provider: the session is issued after the provider's sign-in.
    Idp,
    /// The provider, and then Tessera: the usual challenge (or a forced enrolment).
    Both,
}

impl From<SsoMfa> for settings::SsoMfa {
    fn from(mfa: SsoMfa) -> Self {
        match mfa {
            SsoMfa::Idp => settings::SsoMfa::Idp,
            SsoMfa::Both => settings::SsoMfa::Both,
        }
    }
}

impl From<settings::SsoMfa> for SsoMfa {
    fn from(mfa: settings::SsoMfa) -> Self {
        match mfa {
            settings::SsoMfa::Idp => SsoMfa::Idp,
            settings::SsoMfa::Both => SsoMfa::Both,
        }
    }
}

/// The settings as the API shows them: never the client secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SsoSettings {
    #[schema(example = "https://acme.okta.com")]
    pub issuer: String,
    #[schema(example = "0oa1b2c3d4")]
    pub client_id: String,
    /// Sign-ins for emails at these domains go through the provider: verified domains of the
    /// organisation. (A domain listed from before domains were verified routes nothing until
    /// it is verified.)
    #[schema(example = json!(["acme.com"]))]
    pub email_domains: Vec<String>,
    pub mfa: SsoMfa,
    /// Whether the provider's users without an account get one at their first sign-in.
    pub auto_provision: bool,
    /// The redirect URI to register at the provider for the browser flow
    /// (`callback: "tessera"`).
    #[schema(example = "https://auth.example.com/v1/auth/sso/callback")]
    pub callback_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<settings::SsoSettings> for SsoSettings {
    fn from(shown: settings::SsoSettings) -> Self {
        SsoSettings {
            issuer: shown.issuer,
            client_id: shown.client_id,
            email_domains: shown.email_domains,
            mfa: shown.mfa.into(),
            auto_provision: shown.auto_provision,
            callback_url: shown.callback_url,
            created_at: shown.created_at,
            updated_at: shown.updated_at,
        }
    }
}

/// One of the account's links to an organisation's identity provider.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SsoIdentity {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7b")]
    pub org_id: String,
    #[schema(example = "Acme")]
    pub org_name: String,
    /// The provider's issuer.
    #[schema(example = "https://acme.okta.com")]
    pub issuer: String,
    pub linked_at: DateTime<Utc>,
    /// The latest sign-in through this link.
    pub last_used_at: DateTime<Utc>,
}

impl From<identities::SsoIdentity> for SsoIdentity {
    fn from(link: identities::SsoIdentity) -> Self {
        SsoIdentity {
            id: link.id,
            org_id: link.org_id,
            org_name: link.org_name,
            issuer: link.issuer,
            linked_at: link.linked_at,
            last_used_at: link.last_used_at,
        }
    }
}
