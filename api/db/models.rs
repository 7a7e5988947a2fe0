//! Rows as stored. Timestamps are naive UTC in the database; services convert at the edge.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{accounts, login_events, login_throttles, sessions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub whatsapp_number: Option<String>,
    pub password_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub mfa_disabled_at: Option<NaiveDateTime>,
    pub frozen_at: Option<NaiveDateTime>,
    pub whatsapp_verified_at: Option<NaiveDateTime>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub managed_by_org_id: Option<String>,
    pub mfa_first_enabled_at: Option<NaiveDateTime>,
    pub mfa_disabled_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub account_id: String,
    pub token_hash: String,
    pub aal: String,
    /// JSON array of the authentication methods used, e.g. `["password"]`.
    pub methods: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub location_country: Option<String>,
    pub location_city: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_active_at: NaiveDateTime,
    /// Absolute end of the session; the idle end is `last_active_at` + the idle timeout.
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub mfa_enrollment_deadline: Option<NaiveDateTime>,
    /// For SSO sign-ins: the identity provider's `amr` (RFC 8176), JSON.
    pub idp_amr: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_events)]
pub struct LoginEventRow {
    pub id: String,
    pub account_id: Option<String>,
    pub email: String,
    pub occurred_at: NaiveDateTime,
    pub method: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub location_country: Option<String>,
    pub location_city: Option<String>,
    pub outcome: String,
    pub failure_reason: Option<String>,
    pub mfa_method: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_throttles)]
pub struct LoginThrottleRow {
    pub subject: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::mfa_factors)]
pub struct MfaFactorRow {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub status: String,
    pub secret_ciphertext: String,
    pub key_id: String,
    pub digits: i32,
    pub period: i32,
    pub last_used_step: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub activated_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub failed_attempts: i32,
    pub algorithm: String,
    pub hardware_token_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::recovery_code_sets)]
pub struct RecoveryCodeSetRow {
    pub id: String,
    pub account_id: String,
    pub codes_ciphertext: String,
    pub key_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::recovery_codes)]
pub struct RecoveryCodeRow {
    pub id: String,
    pub set_id: String,
    pub account_id: String,
    pub code_digest: String,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::login_challenges)]
pub struct LoginChallengeRow {
    pub id_digest: String,
    pub account_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub failed_attempts: i32,
    pub consumed_at: Option<NaiveDateTime>,
    pub device_digest: Option<String>,
    /// `password` or `sso`.
    pub first_factor: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::audit_events)]
pub struct AuditEventRow {
    pub id: String,
    pub account_id: String,
    pub actor_account_id: Option<String>,
    pub event: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: Option<String>,
    pub occurred_at: NaiveDateTime,
    pub org_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::orgs)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub require_mfa: i32,
    pub enforcement_delay_days: i32,
    pub require_mfa_since: Option<NaiveDateTime>,
    pub allowed_methods: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::org_members)]
pub struct OrgMemberRow {
    pub org_id: String,
    pub account_id: String,
    pub role: String,
    pub added_at: NaiveDateTime,
    pub mfa_required_since: Option<NaiveDateTime>,
    pub mfa_delay_days: Option<i32>,
    pub mfa_clock_started_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::hardware_tokens)]
pub struct HardwareTokenRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub serial: String,
    pub model: String,
    pub period: i32,
    pub digits: i32,
    pub algorithm: String,
    pub secret_ciphertext: String,
    pub key_id: String,
    pub created_at: NaiveDateTime,
    pub assigned_account_id: Option<String>,
    pub assigned_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub prefix: String,
    pub secret_digest: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub last_logged_at: Option<NaiveDateTime>,
    pub last_used_ip: Option<String>,
    pub last_used_user_agent: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::signing_keys)]
pub struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    pub public_key: String,
    pub private_key_ciphertext: String,
    pub key_id: String,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::outbox)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub kind: String,
    pub payload_ciphertext: Option<String>,
    pub key_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}
