//! The wire shape of the audit log.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::audit;

/// One security-relevant change to an account.
#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// `account.created`, `account.locked`, `profile.updated`, `org.created`, `org.updated`,
    /// `membership.added`, `membership.role_changed`, `membership.removed`,
    /// `mfa.requirement_set`, `mfa.requirement_cleared`, `mfa.reset`, `account.frozen`,
    /// `account.unfrozen`, `hardware_token.registered`, `hardware_token.imported`,
    /// `hardware_token.assigned`, `hardware_token.removed`, `api_key.created`,
    /// `api_key.rotated`, `api_key.deleted`, `mfa.enabled`, `mfa.disabled`,
    /// `recovery_codes.regenerated`, `recovery_codes.revealed`, `password.changed`,
    /// `session.revoked`, `sessions.revoked_others`, `email.verified`, `email.changed`,
    /// `sso.configured`, `sso.removed`, `sso.linked`, `sso.unlinked`, `domain.added`,
    /// `domain.verified`, `domain.removed` (more may be added).
    #[schema(example = "mfa.enabled")]
    pub event: String,
    /// The account the event is about.
    pub account_id: String,
    /// The account that acted: the owner, or an organisation's administrator.
    pub actor_id: Option<String>,
    /// The organisation the event happened in, if any.
    pub org_id: Option<String>,
    #[schema(example = "203.0.113.7")]
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Event-specific facts, e.g. `{"factor_id": "…", "type": "totp"}`.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

impl From<audit::AuditEvent> for AuditEvent {
    fn from(event: audit::AuditEvent) -> Self {
        AuditEvent {
            id: event.id,
            event: event.event,
            account_id: event.account_id,
            actor_id: event.actor_id,
            org_id: event.org_id,
            ip: event.ip,
            user_agent: event.user_agent,
            details: event.details,
            occurred_at: event.occurred_at,
        }
    }
}
