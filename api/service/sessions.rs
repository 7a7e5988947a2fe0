//! Sessions: opaque 256-bit tokens stored as SHA-256 digests, idle and absolute expiry.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::audit::{self, AuditAction};
use super::devices::{DeviceInfo, describe};
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::{ClientContext, Location, SessionPolicy, from_db, new_id, to_db};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::{AccountRow, SessionRow};
use crate::db::schema::{accounts, sessions};
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;

pub const TOKEN_PREFIX: &str = "tss_";

/// A session as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    /// Authenticator assurance level: `aal1` (password) or `aal2` (password and a second factor).
    #[schema(example = "aal1")]
    pub aal: String,
    /// Methods used to sign in, e.g. `["password"]` or `["password", "totp"]`.
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
}

/// A session in the owner's list of sessions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionListItem {
    /// True for the session making this request.
    pub current: bool,
    #[serde(flatten)]
    pub session: Session,
}

/// A freshly issued session and its token: the only time the token exists outside the client.
pub struct IssuedSession {
    pub token: String,
    pub session: Session,
    pub row: SessionRow,
}

fn parse_methods(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Session {
    pub fn from_row(row: &SessionRow, policy: &SessionPolicy) -> Session {
        Session {
            id: row.id.clone(),
            aal: row.aal.clone(),
            methods: parse_methods(&row.methods),
            created_at: from_db(row.created_at),
            last_active_at: from_db(row.last_active_at),
            expires_at: ends_at(row, policy),
            ip: row.ip.clone(),
            user_agent: row.user_agent.clone(),
            device: describe(row.user_agent.as_deref()),
            location: Location::from_columns(
                row.location_country.clone(),
                row.location_city.clone(),
            ),
        }
    }
}

fn ends_at(row: &SessionRow, policy: &SessionPolicy) -> DateTime<Utc> {
    from_db(row.expires_at).min(from_db(row.last_active_at) + policy.idle)
}

fn is_live(row: &SessionRow, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    row.revoked_at.is_none() && now < ends_at(row, policy)
}

pub fn issue(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    account_id: &str,
    aal: &str,
    methods: &[&str],
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<IssuedSession, ApiError> {
    let token = random_token(TOKEN_PREFIX);
    let location = client.location.clone();
    let row = SessionRow {
        id: new_id(),
        account_id: account_id.to_string(),
        token_hash: token_digest(&token),
        aal: aal.to_string(),
        methods: serde_json::to_string(methods).map_err(ApiError::internal)?,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        location_country: location.as_ref().and_then(|l| l.country.clone()),
        location_city: location.and_then(|l| l.city),
        created_at: to_db(now),
        last_active_at: to_db(now),
        expires_at: to_db(now + policy.absolute),
        revoked_at: None,
    };
    diesel::insert_into(sessions::table)
        .values(&row)
        .execute(conn)?;
    Ok(IssuedSession {
        token,
        session: Session::from_row(&row, policy),
        row,
    })
}

/// The session check: one indexed read; a write only when `last_active_at` is older than
/// the activity resolution (once a minute by default), never on every request.
pub fn authenticate(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(SessionRow, AccountRow), ApiError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Err(ApiError::Unauthenticated);
    }
    let digest = token_digest(token);
    // `token_hash` is unique: at most one row. No `first()`: SQLite re-prepares a statement
    // whose LIMIT is a bound parameter on every run, which quadruples the cost of this check.
    let (mut session, account) = crate::on_backend!(conn, |inner| {
        sessions::table
            .inner_join(accounts::table)
            .filter(sessions::token_hash.eq(&digest))
            .select((SessionRow::as_select(), AccountRow::as_select()))
            .load::<(SessionRow, AccountRow)>(inner)
    })?
    .pop()
    .ok_or(ApiError::Unauthenticated)?;
    if !is_live(&session, policy, now) {
        return Err(ApiError::Unauthenticated);
    }
    if now - from_db(session.last_active_at) >= policy.activity_resolution {
        // Conditional in the statement, so instances that check the same session at once
        // write it once; and best-effort: a busy database must not turn a valid session into
        // an error, and a missed write only makes "last active" a minute older.
        let written = diesel::update(
            sessions::table
                .find(&session.id)
                .filter(sessions::last_active_at.le(to_db(now - policy.activity_resolution))),
        )
        .set(sessions::last_active_at.eq(to_db(now)))
        .execute(conn);
        match written {
            Ok(_) => session.last_active_at = to_db(now),
            Err(e) => tracing::debug!(error = %e, "last activity not recorded"),
        }
    }
    Ok((session, account))
}

/// The session check's answer, as the session's owner sees it.
pub struct CheckedSession {
    pub session: Session,
    pub account: super::accounts::Account,
}

/// [`authenticate`], shaped for the owner.
pub fn check(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<CheckedSession, ApiError> {
    let (session, account) = authenticate(conn, policy, token, now)?;
    Ok(CheckedSession {
        session: Session::from_row(&session, policy),
        account: account.into(),
    })
}

/// The session proved a second factor (`method`) on top of the password: `aal2` from now on.
pub fn raise_to_aal2(
    conn: &mut DbConnection,
    session_id: &str,
    method: &str,
) -> Result<(), ApiError> {
    let methods: String = sessions::table
        .find(session_id)
        .select(sessions::methods)
        .first(conn)?;
    let mut methods = parse_methods(&methods);
    if !methods.iter().any(|m| m == method) {
        methods.push(method.to_string());
    }
    diesel::update(sessions::table.find(session_id))
        .set((
            sessions::aal.eq("aal2"),
            sessions::methods.eq(serde_json::to_string(&methods).map_err(ApiError::internal)?),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account's live sessions, newest first.
pub fn list(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    account_id: &str,
    current_session_id: &str,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<SessionListItem>, ApiError> {
    let idle_cutoff = to_db(now - policy.idle);
    let rows = crate::keyset_page!(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(to_db(now)))
            .filter(sessions::last_active_at.gt(idle_cutoff))
            .select(SessionRow::as_select()),
        sessions::created_at,
        sessions::id,
        page
    )
    .load::<SessionRow>(conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor {
            at: r.created_at,
            id: r.id.clone(),
        },
        |r| SessionListItem {
            current: r.id == current_session_id,
            session: Session::from_row(&r, policy),
        },
    ))
}

/// Revokes one of the account's sessions; another account's session is "not found".
pub fn revoke(
    conn: &mut DbConnection,
    account_id: &str,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let changed = diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    if changed == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The owner signs out one of their sessions: revoked and audited together.
pub fn sign_out(
    conn: &mut DbConnection,
    account_id: &str,
    session_id: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        revoke(conn, account_id, session_id, now)?;
        audit::record(
            conn,
            account_id,
            AuditAction::SessionRevoked,
            Some(serde_json::json!({"session_id": session_id})),
            client,
            now,
        )
    })
}

/// The owner signs out everywhere else; returns how many sessions ended.
pub fn sign_out_others(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    account_id: &str,
    current_session_id: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    write_transaction(conn, |conn| {
        let revoked = revoke_all_except(conn, policy, account_id, Some(current_session_id), now)?;
        audit::record(
            conn,
            account_id,
            AuditAction::SessionsRevokedOthers,
            Some(serde_json::json!({"revoked": revoked})),
            client,
            now,
        )?;
        Ok(revoked)
    })
}

/// Revokes every live session of the account except `keep`; returns how many ended.
pub fn revoke_all_except(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    account_id: &str,
    keep: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    // Ids are never empty, so `ne("")` keeps nothing back when there is no session to keep.
    Ok(diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(to_db(now)))
            .filter(sessions::last_active_at.gt(to_db(now - policy.idle)))
            .filter(sessions::id.ne(keep.unwrap_or(""))),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Deletes sessions that ended more than a day ago (they can no longer be listed or used),
/// in batches, one indexed condition at a time.
pub fn prune(
    conn: &mut DbConnection,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    use super::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - chrono::Duration::days(1));
    let idle_cutoff = to_db(now - policy.idle - chrono::Duration::days(1));
    let mut pruned = in_batches(|| {
        let batch: Vec<String> = sessions::table
            .filter(sessions::expires_at.lt(cutoff))
            .select(sessions::id)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(diesel::delete(sessions::table.filter(sessions::id.eq_any(&batch))).execute(conn)?)
    })?;
    pruned += in_batches(|| {
        let batch: Vec<String> = sessions::table
            .filter(sessions::revoked_at.lt(cutoff))
            .select(sessions::id)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(diesel::delete(sessions::table.filter(sessions::id.eq_any(&batch))).execute(conn)?)
    })?;
    pruned += in_batches(|| {
        let batch: Vec<String> = sessions::table
            .filter(sessions::last_active_at.lt(idle_cutoff))
            .select(sessions::id)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(diesel::delete(sessions::table.filter(sessions::id.eq_any(&batch))).execute(conn)?)
    })?;
    Ok(pruned)
}
