//! The wire shape of sessions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::client::{DeviceInfo, Location};
use crate::service::sessions;

/// A session as its owner sees it.
#[derive(Serialize, ToSchema)]
pub struct Session {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    /// Authenticator assurance level: `aal1` (password) or `aal2` (password and a second factor).
    #[schema(example = "aal1")]
    pub aal: &'static str,
    /// Methods used to sign in, e.g. `["password"]`, `["password", "totp"]`, or `["sso"]` for
    /// a sign-in at the organisation's identity provider.
    #[schema(example = json!(["password"]))]
    pub methods: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// When the session ends unless used before: the earlier of the idle and absolute ends.
    pub expires_at: DateTime<Utc>,
    #[schema(example = "203.0.113.7")]
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[serde(flatten)]
    pub device: DeviceInfo,
    pub location: Option<Location>,
    /// Set when the account must turn on MFA (an organisation requires it) and was signed in
    /// within the grace period: enrolment is forced at login after this time. As of sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub mfa_enrollment_deadline: Option<DateTime<Utc>>,
    /// For a sign-in at the organisation's identity provider (`methods` has `sso`): the
    /// provider's own authentication methods (`amr`, RFC 8176), as it sent them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = json!(["pwd", "mfa"]))]
    pub idp_amr: Option<Vec<String>>,
}

impl From<sessions::Session> for Session {
    fn from(session: sessions::Session) -> Self {
        Session {
            id: session.id.into(),
            aal: session.aal.name(),
            methods: session.methods,
            created_at: session.created_at,
            last_active_at: session.last_active_at,
            expires_at: session.expires_at,
            ip: session.ip,
            user_agent: session.user_agent,
            device: session.device.into(),
            location: session.location.map(Into::into),
            mfa_enrollment_deadline: session.mfa_enrollment_deadline,
            idp_amr: session.idp_amr,
        }
    }
}

/// A session in the owner's list of sessions.
#[derive(Serialize, ToSchema)]
pub struct SessionListItem {
    /// True for the session making this request.
    pub current: bool,
    #[serde(flatten)]
    pub session: Session,
}

impl From<sessions::SessionListItem> for SessionListItem {
    fn from(item: sessions::SessionListItem) -> Self {
        SessionListItem {
            current: item.current,
            session: item.session.into(),
        }
    }
}
