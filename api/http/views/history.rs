//! The wire shape of the login history.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::client::{DeviceInfo, Location};
use crate::service::history;

/// One login attempt.
#[derive(Serialize, ToSchema)]
pub struct LoginEvent {
    pub id: String,
    /// When the attempt happened (UTC).
    pub occurred_at: DateTime<Utc>,
    /// How the user signed in: `password`, `sso` or `api_key` (more may be added).
    #[schema(example = "password")]
    pub method: String,
    /// `succeeded` or `failed`.
    #[schema(example = "failed")]
    pub outcome: String,
    /// Why it failed: `invalid_credentials`, `too_many_attempts`, `email_not_verified` (the
    /// password was right; the server signs in only proven addresses), … (null on success).
    #[schema(example = "invalid_credentials")]
    pub failure_reason: Option<String>,
    /// The second factor used, if any: `totp`, `recovery_code`, `sms`, `whatsapp`, `hardware_token`.
    pub mfa_method: Option<String>,
    #[schema(example = "203.0.113.7")]
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[serde(flatten)]
    pub device: DeviceInfo,
    pub location: Option<Location>,
}

impl From<history::LoginEvent> for LoginEvent {
    fn from(event: history::LoginEvent) -> Self {
        LoginEvent {
            id: event.id,
            occurred_at: event.occurred_at,
            method: event.method,
            outcome: event.outcome,
            failure_reason: event.failure_reason,
            mfa_method: event.mfa_method,
            ip: event.ip,
            user_agent: event.user_agent,
            device: event.device.into(),
            location: event.location.map(Into::into),
        }
    }
}
