//! The per-account security audit log: who did what to the account, when, from where.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::context::Tx;
use super::error::Result;
use super::ids::{AccountId, OrgId, row_id};
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::throttle::{Credential, NewLock};
use crate::db::models::AuditEventRow;
use crate::db::schema::audit_events;
use crate::db::{DbConnection, from_db, to_db};

/// What happened. Stored and shown as its dotted name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    AccountCreated,
    AccountLocked,
    OrgCreated,
    OrgUpdated,
    MembershipAdded,
    MembershipRoleChanged,
    MembershipRemoved,
    MfaRequirementSet,
    MfaRequirementCleared,
    MfaReset,
    AccountFrozen,
    AccountUnfrozen,
    HardwareTokenRegistered,
    HardwareTokensImported,
    HardwareTokenAssigned,
    HardwareTokenRemoved,
    ApiKeyCreated,
    ApiKeyRotated,
    ApiKeyDeleted,
    ApiKeysRevoked,
    ProfileUpdated,
    WhatsappVerified,
    MfaEnabled,
    MfaDisabled,
    MfaFactorAdded,
    MfaFactorRemoved,
    RecoveryCodesRegenerated,
    RecoveryCodesRevealed,
    PasswordChanged,
    PasswordReset,
    NotificationsChanged,
    SessionRevoked,
    SessionsRevokedOthers,
    SsoConfigured,
    SsoRemoved,
    SsoLinked,
    SsoUnlinked,
    DomainAdded,
    DomainVerified,
    DomainRemoved,
    InvitationCreated,
    InvitationRevoked,
    InvitationAccepted,
    EmailVerified,
    EmailChanged,
}

impl AuditAction {
    pub fn name(self) -> &'static str {
        match self {
            AuditAction::AccountCreated => "account.created",
            AuditAction::AccountLocked => "account.locked",
            AuditAction::OrgCreated => "org.created",
            AuditAction::OrgUpdated => "org.updated",
            AuditAction::MembershipAdded => "membership.added",
            AuditAction::MembershipRoleChanged => "membership.role_changed",
            AuditAction::MembershipRemoved => "membership.removed",
            AuditAction::MfaRequirementSet => "mfa.requirement_set",
            AuditAction::MfaRequirementCleared => "mfa.requirement_cleared",
            AuditAction::MfaReset => "mfa.reset",
            AuditAction::AccountFrozen => "account.frozen",
            AuditAction::AccountUnfrozen => "account.unfrozen",
            AuditAction::HardwareTokenRegistered => "hardware_token.registered",
            AuditAction::HardwareTokensImported => "hardware_token.imported",
            AuditAction::HardwareTokenAssigned => "hardware_token.assigned",
            AuditAction::HardwareTokenRemoved => "hardware_token.removed",
            AuditAction::ApiKeyCreated => "api_key.created",
            AuditAction::ApiKeyRotated => "api_key.rotated",
            AuditAction::ApiKeyDeleted => "api_key.deleted",
            AuditAction::ApiKeysRevoked => "api_keys.revoked",
            AuditAction::ProfileUpdated => "profile.updated",
            AuditAction::WhatsappVerified => "profile.whatsapp_verified",
            AuditAction::MfaEnabled => "mfa.enabled",
            AuditAction::MfaDisabled => "mfa.disabled",
            AuditAction::MfaFactorAdded => "mfa.factor_added",
            AuditAction::MfaFactorRemoved => "mfa.factor_removed",
            AuditAction::RecoveryCodesRegenerated => "recovery_codes.regenerated",
            AuditAction::RecoveryCodesRevealed => "recovery_codes.revealed",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::NotificationsChanged => "notifications.changed",
            AuditAction::SessionRevoked => "session.revoked",
            AuditAction::SessionsRevokedOthers => "sessions.revoked_others",
            AuditAction::SsoConfigured => "sso.configured",
            AuditAction::SsoRemoved => "sso.removed",
            AuditAction::SsoLinked => "sso.linked",
            AuditAction::SsoUnlinked => "sso.unlinked",
            AuditAction::DomainAdded => "domain.added",
            AuditAction::DomainVerified => "domain.verified",
            AuditAction::DomainRemoved => "domain.removed",
            AuditAction::InvitationCreated => "invitation.created",
            AuditAction::InvitationRevoked => "invitation.revoked",
            AuditAction::InvitationAccepted => "invitation.accepted",
            AuditAction::EmailVerified => "email.verified",
            AuditAction::EmailChanged => "email.changed",
        }
    }
}

/// One security-relevant change to an account.
#[derive(Debug, Clone)]
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
    pub event: String,
    /// The account the event is about.
    pub account_id: String,
    /// The account that acted: the owner, or an organisation's administrator.
    pub actor_id: Option<String>,
    /// The organisation the event happened in, if any.
    pub org_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Event-specific facts, e.g. `{"factor_id": "…", "type": "totp"}`.
    pub details: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        AuditEvent {
            id: row.id,
            event: row.event,
            account_id: row.account_id,
            actor_id: row.actor_account_id,
            org_id: row.org_id,
            ip: row.ip,
            user_agent: row.user_agent,
            details: row.details.and_then(|d| serde_json::from_str(&d).ok()),
            occurred_at: from_db(row.occurred_at),
        }
    }
}

/// Records an event done by the account's owner, from the request's client. Call inside the
/// transaction of the change.
pub fn record(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    action: AuditAction,
    details: Option<serde_json::Value>,
) -> Result<()> {
    insert(cx, Some(account_id), account_id, None, action, details)
}

/// Records an event done to the account by a support operator (no account acts: the details
/// name the operator).
pub fn record_by_operator(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    action: AuditAction,
    details: Option<serde_json::Value>,
) -> Result<()> {
    insert(cx, None, account_id, None, action, details)
}

/// Records an event in an organisation, done by `actor` to `subject` (an account, or the
/// actor itself for changes to the organisation): it shows in the organisation's audit log and
/// in the subject's own.
pub fn record_in_org(
    cx: &mut Tx<'_>,
    org_id: &OrgId,
    actor: &AccountId,
    subject: &AccountId,
    action: AuditAction,
    details: Option<serde_json::Value>,
) -> Result<()> {
    insert(cx, Some(actor), subject, Some(org_id), action, details)
}

/// Records an event in an organisation done by a support operator from the command line (no
/// account acts), shown in the organisation's log and in `subject`'s own.
pub fn record_in_org_by_operator(
    cx: &mut Tx<'_>,
    org_id: &OrgId,
    subject: &AccountId,
    action: AuditAction,
    details: Option<serde_json::Value>,
) -> Result<()> {
    insert(cx, None, subject, Some(org_id), action, details)
}

/// Writes the event (`actor`: none when a support operator acts) and announces it.
fn insert(
    cx: &mut Tx<'_>,
    actor: Option<&AccountId>,
    subject: &AccountId,
    org_id: Option<&OrgId>,
    action: AuditAction,
    details: Option<serde_json::Value>,
) -> Result<()> {
    let row = AuditEventRow {
        id: row_id(),
        account_id: subject.to_string(),
        actor_account_id: actor.map(ToString::to_string),
        event: action.name().to_string(),
        ip: cx.client.ip.clone(),
        user_agent: cx.client.user_agent.clone(),
        details: details.map(|d| d.to_string()),
        occurred_at: to_db(cx.now),
        org_id: org_id.map(|id| id.to_string()),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(cx.conn)?;
    announce(cx, &row)
}

/// Every audit event is also a webhook event of the same name.
fn announce(cx: &mut Tx<'_>, row: &AuditEventRow) -> Result<()> {
    let details: Option<serde_json::Value> = row
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok());
    super::webhooks::emit(
        cx,
        &row.event,
        serde_json::json!({
            "event_id": row.id,
            "account_id": row.account_id,
            "actor_account_id": row.actor_account_id,
            "org_id": row.org_id,
            "ip": row.ip,
            "user_agent": row.user_agent,
            "details": details,
        }),
    )
}

/// Records that an attempt locked the account (for the client's IP, or for every IP), when
/// it did: once per lock, not once per refused attempt.
pub fn record_locks(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    credential: Credential,
    new_locks: Vec<NewLock>,
) -> Result<()> {
    for lock in new_locks {
        let details = serde_json::json!({
            "scope": lock.scope.name(),
            "secret": credential.name(),
            "locked_until": lock.until,
        });
        record(cx, account_id, AuditAction::AccountLocked, Some(details))?;
    }
    Ok(())
}

/// Whose audit log: an account's own, or an organisation's.
pub enum AuditLogOf<'a> {
    Account(&'a AccountId),
    Org(&'a OrgId),
}

/// An audit log, newest first.
pub fn list(
    conn: &mut DbConnection,
    of: AuditLogOf<'_>,
    page: &PageRequest,
) -> Result<Page<AuditEvent>> {
    let events = crate::keyset_page!(
        audit_events::table.select(AuditEventRow::as_select()),
        audit_events::occurred_at,
        audit_events::id,
        page
    );
    let rows = match of {
        AuditLogOf::Account(id) => events.filter(audit_events::account_id.eq(id.as_str())),
        AuditLogOf::Org(id) => events.filter(audit_events::org_id.eq(id.as_str())),
    }
    .load::<AuditEventRow>(conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.occurred_at, &r.id),
        AuditEvent::from,
    ))
}
