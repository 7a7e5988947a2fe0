//! Token introspection (RFC 7662) for integrators' back-ends: is this session token or API key
//! live, and whose is it? Asked with an integrator credential — an operator key, or an
//! introspection key (`tsi_…`, made on the command line, good for nothing else).
//!
//! A hot path: one indexed read for the credential and one for the token; the only writes
//! are the throttled marks of use (`last_used_at`, a session's `last_active_at`).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::access_tokens::amr;
use super::api_keys;
use super::context::Context;
use super::error::{Error, Result};
use super::ids::row_id;
use super::operators;
use super::secret::Secret;
use super::sessions;
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::schema::introspection_keys;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tsi_";

/// How often a credential's `last_used_at` is written at most.
const USE_RESOLUTION: Duration = Duration::minutes(1);

/// Makes an introspection key; the token is returned once and kept only as a digest.
pub fn create_key(conn: &mut DbConnection, name: &str, now: DateTime<Utc>) -> Result<Secret> {
    let token = Secret::new(random_token(TOKEN_PREFIX));
    diesel::insert_into(introspection_keys::table)
        .values((
            introspection_keys::id.eq(row_id()),
            introspection_keys::name.eq(name),
            introspection_keys::token_digest.eq(token_digest(token.expose())),
            introspection_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Checks an introspection key: 401 `unauthenticated` unless it is one.
fn authenticate_key(cx: &mut Context<'_>, token: &Secret) -> Result<()> {
    let found: Option<(String, Option<chrono::NaiveDateTime>)> = introspection_keys::table
        .filter(introspection_keys::token_digest.eq(token_digest(token.expose())))
        .select((introspection_keys::id, introspection_keys::last_used_at))
        .first(cx.conn)
        .optional()?;
    let (key_id, last_used_at) = found.ok_or_else(|| {
        Error::denied_because(
            ErrorCode::Unauthenticated,
            "The introspection key is unknown or was revoked.",
        )
    })?;
    if last_used_at.is_none_or(|at| cx.now - from_db(at) >= USE_RESOLUTION) {
        // Best-effort: knowing when a key was last used is worth less than answering.
        let _ = diesel::update(introspection_keys::table.find(&key_id))
            .set(introspection_keys::last_used_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn);
    }
    Ok(())
}

/// Checks the integrator credential: an operator key or an introspection key.
fn authenticate_integrator(cx: &mut Context<'_>, credential: &Secret) -> Result<()> {
    let text = credential.expose();
    if text.len() > 128 {
        return Err(Error::denied(ErrorCode::Unauthenticated));
    }
    if text.starts_with(TOKEN_PREFIX) {
        authenticate_key(cx, credential)
    } else {
        operators::authenticate(cx, credential).map(|_| ())
    }
}

/// What kind of token was introspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntrospectedTokenType {
    Session,
    ApiKey,
}

/// The RFC 7662 answer. Only `active` is there for a token that is not live.
#[derive(Debug, Clone, Default)]
pub struct Introspection {
    /// Whether the token is live: known, unexpired, not revoked, its account not frozen.
    pub active: bool,
    pub token_type: Option<IntrospectedTokenType>,
    /// The account.
    pub sub: Option<String>,
    /// The session (session tokens).
    pub sid: Option<String>,
    /// The API key's id (API keys).
    pub key_id: Option<String>,
    /// What an API key may read, space-separated (API keys).
    pub scope: Option<String>,
    /// `aal1` or `aal2` (session tokens).
    pub aal: Option<String>,
    /// How the session was signed in, as RFC 8176 names methods (session tokens).
    pub amr: Option<Vec<String>>,
    /// Whether the account's email address is proven.
    pub email_verified: Option<bool>,
    /// When the account's email address was proven (Unix seconds); absent while it is not.
    pub email_verified_at: Option<i64>,
    /// When the token was issued (Unix seconds).
    pub iat: Option<i64>,
    /// When the token ends (Unix seconds); a session's end moves on with its use, and an API
    /// key without an expiry has none.
    pub exp: Option<i64>,
}

/// A refusal that means "not a live token", as opposed to a failure.
fn is_not_live(error: &Error) -> bool {
    error
        .denial()
        .is_some_and(|d| d.code == ErrorCode::Unauthenticated)
}

/// Introspects `token` for the integrator holding `credential` (401 for a bad credential).
pub fn introspect(
    cx: &mut Context<'_>,
    credential: &Secret,
    token: &Secret,
) -> Result<Introspection> {
    authenticate_integrator(cx, credential)?;
    let text = token.expose();
    let answer = if text.starts_with(sessions::TOKEN_PREFIX) {
        sessions::facts(cx, token).map(|session| Introspection {
            active: true,
            token_type: Some(IntrospectedTokenType::Session),
            sub: Some(session.account_id.to_string()),
            sid: Some(session.session_id.to_string()),
            aal: Some(session.aal.name().to_string()),
            amr: Some(amr(&session.methods, session.aal)),
            email_verified: Some(session.email_verified_at.is_some()),
            email_verified_at: session.email_verified_at.map(|at| at.timestamp()),
            iat: Some(session.created_at.timestamp()),
            exp: Some(session.ends_at.timestamp()),
            ..Introspection::default()
        })
    } else if api_keys::is_api_key(token) {
        api_keys::authenticate(cx, token).map(|key| Introspection {
            active: true,
            token_type: Some(IntrospectedTokenType::ApiKey),
            sub: Some(key.account.id.to_string()),
            key_id: Some(key.key_id),
            scope: Some(
                key.scopes
                    .iter()
                    .map(|scope| scope.name())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            email_verified: Some(key.account.email_verified),
            email_verified_at: key.account.email_verified_at.map(|at| at.timestamp()),
            iat: Some(key.created_at.timestamp()),
            exp: key.expires_at.map(|at| at.timestamp()),
            ..Introspection::default()
        })
    } else {
        return Ok(Introspection::default());
    };
    match answer {
        Err(e) if is_not_live(&e) => Ok(Introspection::default()),
        other => other,
    }
}
