//! Login history: every login attempt, kept for a configurable number of days.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::client::Location;
use super::context::Tx;
use super::devices::{DeviceInfo, describe};
use super::error::Result;
use super::ids::{AccountId, row_id};
use super::mfa::SecondFactor;
use super::pagination::{Cursor, Page, PageRequest, page_from};
use crate::db::models::LoginEventRow;
use crate::db::schema::login_events;
use crate::db::{DbConnection, from_db, to_db};

/// One login attempt.
#[derive(Debug, Clone)]
pub struct LoginEvent {
    pub id: String,
    /// When the attempt happened (UTC).
    pub occurred_at: DateTime<Utc>,
    /// How the user signed in: `password`, `sso` or `api_key` (more may be added).
    pub method: String,
    /// `succeeded` or `failed`.
    pub outcome: String,
    /// Why it failed: `invalid_credentials`, `too_many_attempts`, `email_not_verified` (the
    /// password was right; the server signs in only proven addresses), … (null on success).
    pub failure_reason: Option<String>,
    /// The second factor used, if any: `totp`, `recovery_code`, `sms`, `whatsapp`, `hardware_token`.
    pub mfa_method: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device: DeviceInfo,
    pub location: Option<Location>,
}

impl From<LoginEventRow> for LoginEvent {
    fn from(row: LoginEventRow) -> Self {
        LoginEvent {
            device: describe(row.user_agent.as_deref()),
            location: Location::from_columns(row.location_country, row.location_city),
            id: row.id,
            occurred_at: from_db(row.occurred_at),
            method: row.method,
            outcome: row.outcome,
            failure_reason: row.failure_reason,
            mfa_method: row.mfa_method,
            ip: row.ip,
            user_agent: row.user_agent,
        }
    }
}

/// How a user signed in (or tried to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    Password,
    Sso,
    ApiKey,
}

impl LoginMethod {
    /// As stored for a sign-in's first step; anything unknown is taken as the password.
    pub fn parse(text: &str) -> LoginMethod {
        match text {
            "sso" => LoginMethod::Sso,
            "api_key" => LoginMethod::ApiKey,
            _ => LoginMethod::Password,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LoginMethod::Password => "password",
            LoginMethod::Sso => "sso",
            LoginMethod::ApiKey => "api_key",
        }
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    InvalidCredentials,
    InvalidCode,
    TooManyAttempts,
    AccountFrozen,
    /// The password was right, but the server signs in only proven addresses.
    EmailNotVerified,
}

impl FailureReason {
    pub fn name(self) -> &'static str {
        match self {
            FailureReason::InvalidCredentials => "invalid_credentials",
            FailureReason::InvalidCode => "invalid_code",
            FailureReason::TooManyAttempts => "too_many_attempts",
            FailureReason::AccountFrozen => "account_frozen",
            FailureReason::EmailNotVerified => "email_not_verified",
        }
    }
}

/// What happened at one attempt.
pub struct Attempt<'a> {
    pub account_id: Option<&'a AccountId>,
    /// The email tried, or the keyed digest standing for one that has no account.
    pub email: &'a str,
    pub method: LoginMethod,
    pub failure: Option<FailureReason>,
    pub second_factor: Option<SecondFactor>,
}

/// Records an attempt from the request's client.
pub fn record(cx: &mut Tx<'_>, attempt: Attempt<'_>) -> Result<()> {
    let client = cx.client;
    let row = LoginEventRow {
        id: row_id(),
        account_id: attempt.account_id.map(|id| id.to_string()),
        email: attempt.email.to_string(),
        occurred_at: to_db(cx.now),
        method: attempt.method.name().to_string(),
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        location_country: client.location.as_ref().and_then(|l| l.country.clone()),
        location_city: client.location.as_ref().and_then(|l| l.city.clone()),
        outcome: if attempt.failure.is_some() {
            "failed"
        } else {
            "succeeded"
        }
        .to_string(),
        failure_reason: attempt.failure.map(|f| f.name().to_string()),
        mfa_method: attempt.second_factor.map(|m| m.name().to_string()),
    };
    diesel::insert_into(login_events::table)
        .values(&row)
        .execute(cx.conn)?;
    if let (Some(failure), Some(account_id)) = (attempt.failure, attempt.account_id)
        && !matches!(
            failure,
            FailureReason::AccountFrozen | FailureReason::EmailNotVerified
        )
    {
        super::alerts::sign_in_failed(cx, account_id, attempt.email)?;
    }
    let event = if attempt.failure.is_some() {
        "login.failed"
    } else {
        "login.succeeded"
    };
    super::webhooks::emit(
        cx,
        event,
        serde_json::json!({
            "event_id": row.id,
            "account_id": row.account_id,
            // An email without an account is kept only as a digest: it is not sent either.
            "email": attempt.account_id.map(|_| attempt.email),
            "method": row.method,
            "mfa_method": row.mfa_method,
            "failure_reason": row.failure_reason,
            "ip": row.ip,
            "user_agent": row.user_agent,
            "location": client.location,
        }),
    )
}

pub fn list(
    conn: &mut DbConnection,
    account_id: &AccountId,
    page: &PageRequest,
) -> Result<Page<LoginEvent>> {
    let rows = crate::keyset_page!(
        login_events::table
            .filter(login_events::account_id.eq(account_id.as_str()))
            .select(LoginEventRow::as_select()),
        login_events::occurred_at,
        login_events::id,
        page
    )
    .load::<LoginEventRow>(conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.occurred_at, &r.id),
        LoginEvent::from,
    ))
}

/// Deletes entries older than the retention period, in batches.
pub fn prune(
    conn: &mut DbConnection,
    retention: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<usize> {
    use super::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - retention);
    in_batches(|| {
        let batch: Vec<String> = login_events::table
            .filter(login_events::occurred_at.lt(cutoff))
            .select(login_events::id)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(
            diesel::delete(login_events::table.filter(login_events::id.eq_any(&batch)))
                .execute(conn)?,
        )
    })
}
