//! The wire shape of an introspection answer (RFC 7662).

use serde::Serialize;
use utoipa::ToSchema;

use crate::service::introspection;

/// What kind of token was introspected.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntrospectedTokenType {
    Session,
    ApiKey,
}

mirror_enum!(IntrospectedTokenType <=> introspection::IntrospectedTokenType { Session, ApiKey });

/// The RFC 7662 answer. Only `active` is there for a token that is not live.
#[derive(Serialize, ToSchema)]
pub struct Introspection {
    /// Whether the token is live: known, unexpired, not revoked, its account not frozen.
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub token_type: Option<IntrospectedTokenType>,
    /// The account.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub sub: Option<String>,
    /// The session (session tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub sid: Option<String>,
    /// The API key's id (API keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub key_id: Option<String>,
    /// What an API key may read, space-separated (API keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "profile:read sessions:read")]
    pub scope: Option<String>,
    /// `aal1` or `aal2` (session tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "aal2")]
    pub aal: Option<String>,
    /// How the session was signed in, as RFC 8176 names methods (session tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = json!(["pwd", "otp", "mfa"]))]
    pub amr: Option<Vec<String>>,
    /// Whether the account's email address is proven.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub email_verified: Option<bool>,
    /// When the account's email address was proven (Unix seconds); absent while it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub email_verified_at: Option<i64>,
    /// When the token was issued (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub iat: Option<i64>,
    /// When the token ends (Unix seconds); a session's end moves on with its use, and an API
    /// key without an expiry has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub exp: Option<i64>,
}

impl From<introspection::Introspection> for Introspection {
    fn from(answer: introspection::Introspection) -> Self {
        Introspection {
            active: answer.active,
            token_type: answer.token_type.map(Into::into),
            sub: answer.sub,
            sid: answer.sid,
            key_id: answer.key_id,
            scope: answer.scope,
            aal: answer.aal,
            amr: answer.amr,
            email_verified: answer.email_verified,
            email_verified_at: answer.email_verified_at,
            iat: answer.iat,
            exp: answer.exp,
        }
    }
}
