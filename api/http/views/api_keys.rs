//! The wire shape of API keys: never their secrets, but once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::Secret;
use crate::service::api_keys;

/// What a key may read.
#[derive(Serialize, Deserialize, ToSchema)]
pub enum Scope {
    /// `GET /v1/me`.
    #[serde(rename = "profile:read")]
    ProfileRead,
    /// `GET /v1/me/sessions`.
    #[serde(rename = "sessions:read")]
    SessionsRead,
    /// `GET /v1/me/login-history`.
    #[serde(rename = "login_history:read")]
    LoginHistoryRead,
    /// `GET /v1/me/audit-log`.
    #[serde(rename = "audit_log:read")]
    AuditLogRead,
}

mirror_enum!(Scope <=> api_keys::Scope {
    ProfileRead,
    SessionsRead,
    LoginHistoryRead,
    AuditLogRead,
});

/// A key as its owner sees it: never the secret.
#[derive(Serialize, ToSchema)]
pub struct ApiKey {
    pub id: String,
    #[schema(example = "CI pipeline")]
    pub name: String,
    /// The start of the key (`tsk_ab12cd34`), to tell keys apart.
    #[schema(example = "tsk_ab12cd34")]
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address the key was last used from.
    #[schema(example = "203.0.113.9")]
    pub last_used_ip: Option<String>,
    /// The user agent the key was last used with.
    #[schema(example = "curl/8.5.0")]
    pub last_used_user_agent: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<api_keys::ApiKey> for ApiKey {
    fn from(key: api_keys::ApiKey) -> Self {
        ApiKey {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            scopes: key.scopes.into_iter().map(Into::into).collect(),
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            last_used_ip: key.last_used_ip,
            last_used_user_agent: key.last_used_user_agent,
            expires_at: key.expires_at,
        }
    }
}

/// A new or rotated key: the only time its secret is shown.
#[derive(Serialize, ToSchema)]
pub struct IssuedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The whole key, `tsk_<prefix>_<secret>`. Shown only here.
    #[schema(value_type = String, example = "tsk_ab12cd34_Qm9…")]
    pub secret: Secret,
}

impl From<api_keys::IssuedApiKey> for IssuedApiKey {
    fn from(issued: api_keys::IssuedApiKey) -> Self {
        IssuedApiKey {
            key: issued.key.into(),
            secret: issued.secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_answered_by_their_api_names() {
        for scope in api_keys::Scope::ALL {
            assert_eq!(
                serde_json::to_value(Scope::from(scope)).unwrap(),
                serde_json::json!(scope.name())
            );
        }
    }
}
