//! Support operators: credentials made on the command line (shown once, stored as digests)
//! that authorise `/v1/admin`, and what support does with them — find an account, freeze
//! it (its sessions end, nobody signs in), unfreeze it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::accounts::{self, normalise_email};
use super::audit::{self, AuditAction};
use super::context::Context;
use super::error::{Error, Result};
use super::ids::{AccountId, row_id};
use super::mfa;
use super::secret::Secret;
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::AccountRow;
use crate::db::schema::{accounts as account_rows, operator_keys};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tso_";

/// An operator, as a request authenticated by an operator key stands for one.
#[derive(Debug, Clone)]
pub struct Operator {
    pub key_id: String,
    pub name: String,
}

/// Makes an operator key; the token is returned once and kept only as a digest.
pub fn create_key(conn: &mut DbConnection, name: &str, now: DateTime<Utc>) -> Result<Secret> {
    let token = Secret::new(random_token(TOKEN_PREFIX));
    diesel::insert_into(operator_keys::table)
        .values((
            operator_keys::id.eq(row_id()),
            operator_keys::name.eq(name),
            operator_keys::token_digest.eq(token_digest(token.expose())),
            operator_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The operator an operator key stands for: 401 `unauthenticated` for anything else.
pub fn authenticate(cx: &mut Context<'_>, token: &Secret) -> Result<Operator> {
    let unknown = || {
        Error::denied_because(
            ErrorCode::Unauthenticated,
            "The operator key is unknown or was revoked.",
        )
    };
    if !token.expose().starts_with(TOKEN_PREFIX) {
        return Err(unknown());
    }
    let found: Option<(String, String, Option<chrono::NaiveDateTime>)> = operator_keys::table
        .filter(operator_keys::token_digest.eq(token_digest(token.expose())))
        .select((
            operator_keys::id,
            operator_keys::name,
            operator_keys::last_used_at,
        ))
        .first(cx.conn)
        .optional()?;
    let (key_id, name, last_used_at) = found.ok_or_else(unknown)?;
    // At most once a minute (the key may authorise every introspection of a busy back-end),
    // and best-effort: knowing when a key was last used is worth less than answering.
    if last_used_at.is_none_or(|at| cx.now - from_db(at) >= chrono::Duration::minutes(1)) {
        let _ = diesel::update(operator_keys::table.find(&key_id))
            .set(operator_keys::last_used_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn);
    }
    Ok(Operator { key_id, name })
}

/// An account as support sees it.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub id: AccountId,
    pub email: String,
    pub display_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set while the account is frozen.
    pub frozen_at: Option<DateTime<Utc>>,
    /// True when the account has an active second factor.
    pub mfa_enabled: bool,
}

fn record(conn: &mut DbConnection, row: AccountRow) -> Result<AccountRecord> {
    let id = AccountId::from(row.id);
    let mfa_enabled = mfa::is_on(conn, &id)?;
    Ok(AccountRecord {
        id,
        email: row.email,
        display_name: row.display_name,
        created_at: from_db(row.created_at),
        frozen_at: row.frozen_at.map(from_db),
        mfa_enabled,
    })
}

/// Finds the account with this email (normalised as at sign-up), if there is one.
pub fn find(cx: &mut Context<'_>, email: &str) -> Result<Vec<AccountRecord>> {
    let found = accounts::find_by_email(cx.conn, &normalise_email(email))?;
    found.map(|row| record(cx.conn, row)).into_iter().collect()
}

/// Freezes an account: every session ends, and signing in answers 423 `account_frozen`.
pub fn freeze(
    cx: &mut Context<'_>,
    operator: &Operator,
    account_id: &AccountId,
) -> Result<AccountRecord> {
    set_frozen(cx, operator, account_id, true)
}

pub fn unfreeze(
    cx: &mut Context<'_>,
    operator: &Operator,
    account_id: &AccountId,
) -> Result<AccountRecord> {
    set_frozen(cx, operator, account_id, false)
}

fn set_frozen(
    cx: &mut Context<'_>,
    operator: &Operator,
    account_id: &AccountId,
    frozen: bool,
) -> Result<AccountRecord> {
    cx.transaction(|cx| {
        accounts::lock(cx.conn, account_id)?;
        let frozen_at = frozen.then_some(to_db(cx.now));
        diesel::update(account_rows::table.find(account_id.as_str()))
            .set(account_rows::frozen_at.eq(frozen_at))
            .execute(cx.conn)?;
        let (action, details) = if frozen {
            // Support froze it because someone else may hold a way in: all of them end, and
            // an unfreeze brings none back.
            let mut details = super::recovery::end_ways_in(cx, account_id, "frozen")?.details();
            details["operator"] = operator.name.clone().into();
            (AuditAction::AccountFrozen, details)
        } else {
            (
                AuditAction::AccountUnfrozen,
                serde_json::json!({"operator": operator.name}),
            )
        };
        audit::record_by_operator(cx, account_id, action, Some(details))?;
        let row = accounts::get(cx.conn, account_id)?;
        record(cx.conn, row)
    })
}

/// Refuses a frozen account. Called once its password (or ticket, or code) has been proven,
/// so the answer tells nothing to someone guessing.
pub fn refuse_if_frozen(row: &AccountRow) -> Result<()> {
    if row.frozen_at.is_some() {
        return Err(Error::denied(ErrorCode::AccountFrozen));
    }
    Ok(())
}
