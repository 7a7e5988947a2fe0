//! The per-account security audit log: who did what to the account, when, from where.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::throttle::{NewLock, Secret};
use super::{ClientContext, from_db, new_id, to_db};
use crate::db::DbConnection;
use crate::db::models::AuditEventRow;
use crate::db::schema::audit_events;
use crate::error::ApiError;

/// What happened. Stored and shown as its dotted name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    AccountCreated,
    AccountLocked,
    ProfileUpdated,
    MfaEnabled,
    MfaDisabled,
    RecoveryCodesRegenerated,
    RecoveryCodesRevealed,
    PasswordChanged,
    SessionRevoked,
    SessionsRevokedOthers,
}

impl AuditAction {
    pub fn name(self) -> &'static str {
        match self {
            AuditAction::AccountCreated => "account.created",
            AuditAction::AccountLocked => "account.locked",
            AuditAction::ProfileUpdated => "profile.updated",
            AuditAction::MfaEnabled => "mfa.enabled",
            AuditAction::MfaDisabled => "mfa.disabled",
            AuditAction::RecoveryCodesRegenerated => "recovery_codes.regenerated",
            AuditAction::RecoveryCodesRevealed => "recovery_codes.revealed",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::SessionRevoked => "session.revoked",
            AuditAction::SessionsRevokedOthers => "sessions.revoked_others",
        }
    }
}

/// One security-relevant change to an account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// `account.created`, `account.locked`, `profile.updated`, `mfa.enabled`, `mfa.disabled`,
    /// `recovery_codes.regenerated`, `recovery_codes.revealed`, `password.changed`,
    /// `session.revoked`, `sessions.revoked_others` (more may be added).
    #[schema(example = "mfa.enabled")]
    pub event: String,
    /// The account that acted: the owner, or an administrator.
    pub actor_id: Option<String>,
    #[schema(example = "203.0.113.7")]
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Event-specific facts, e.g. `{"factor_id": "…", "type": "totp"}`.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        AuditEvent {
            id: row.id,
            event: row.event,
            actor_id: row.actor_account_id,
            ip: row.ip,
            user_agent: row.user_agent,
            details: row.details.and_then(|d| serde_json::from_str(&d).ok()),
            occurred_at: from_db(row.occurred_at),
        }
    }
}

/// Records an event done by the account's owner. Call inside the transaction of the change.
pub fn record(
    conn: &mut DbConnection,
    account_id: &str,
    action: AuditAction,
    details: Option<serde_json::Value>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let row = AuditEventRow {
        id: new_id(),
        account_id: account_id.to_string(),
        actor_account_id: Some(account_id.to_string()),
        event: action.name().to_string(),
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        details: details.map(|d| d.to_string()),
        occurred_at: to_db(now),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Records that an attempt locked the account (for the client's IP, or for every IP), when
/// it did: once per lock, not once per refused attempt.
pub fn record_lock(
    conn: &mut DbConnection,
    account_id: &str,
    secret: Secret,
    new_locks: impl IntoIterator<Item = NewLock>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for lock in new_locks {
        let details = serde_json::json!({
            "scope": lock.scope.name(),
            "secret": secret.name(),
            "locked_until": lock.until,
        });
        record(
            conn,
            account_id,
            AuditAction::AccountLocked,
            Some(details),
            client,
            now,
        )?;
    }
    Ok(())
}

pub fn list(
    conn: &mut DbConnection,
    account_id: &str,
    page: &PageRequest,
) -> Result<Page<AuditEvent>, ApiError> {
    let rows = crate::keyset_page!(
        audit_events::table
            .filter(audit_events::account_id.eq(account_id))
            .select(AuditEventRow::as_select()),
        audit_events::occurred_at,
        audit_events::id,
        page
    )
    .load::<AuditEventRow>(conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor {
            at: r.occurred_at,
            id: r.id.clone(),
        },
        AuditEvent::from,
    ))
}
