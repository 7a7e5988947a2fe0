//! Sessions: opaque 256-bit tokens stored as SHA-256 digests, idle and absolute expiry.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::accounts::Account;
use super::activity::SessionActivity;
use super::audit::{self, AuditAction};
use super::client::Location;
use super::context::{Context, Env, Tx};
use super::devices::{DeviceInfo, describe};
use super::error::{Error, Result};
use super::history::LoginMethod;
use super::ids::{AccountId, SessionId};
use super::mfa::SecondFactor;
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::policy::SessionPolicy;
use super::secret::Secret;
use super::session_cache::SessionCache;
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::{AccountRow, SessionRow};
use crate::db::schema::{accounts, sessions};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tss_";

/// Authenticator assurance level (NIST SP 800-63B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aal {
    /// The password alone.
    Aal1,
    /// The password and a second factor.
    Aal2,
}

impl Aal {
    pub fn name(self) -> &'static str {
        match self {
            Aal::Aal1 => "aal1",
            Aal::Aal2 => "aal2",
        }
    }

    /// As stored; anything unknown is taken as the lower level.
    fn parse(text: &str) -> Aal {
        match text {
            "aal2" => Aal::Aal2,
            _ => Aal::Aal1,
        }
    }
}

/// How a session was signed in: the password or the organisation's identity provider, then
/// maybe a second factor.
pub fn methods_of(first: LoginMethod, second_factor: Option<SecondFactor>) -> Vec<&'static str> {
    std::iter::once(first.name())
        .chain(second_factor.map(SecondFactor::name))
        .collect()
}

/// A session as its owner sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    /// Authenticator assurance level: `aal1` (password) or `aal2` (password and a second factor).
    pub aal: Aal,
    /// Methods used to sign in, e.g. `["password"]`, `["password", "totp"]`, or `["sso"]` for
    /// a sign-in at the organisation's identity provider.
    pub methods: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// When the session ends unless used before: the earlier of the idle and absolute ends.
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device: DeviceInfo,
    pub location: Option<Location>,
    /// Set when the account must turn on MFA (an organisation requires it) and was signed in
    /// within the grace period: enrolment is forced at login after this time. As of sign-in.
    pub mfa_enrollment_deadline: Option<DateTime<Utc>>,
    /// For a sign-in at the organisation's identity provider (`methods` has `sso`): the
    /// provider's own authentication methods (`amr`, RFC 8176), as it sent them.
    pub idp_amr: Option<Vec<String>>,
}

/// A session in the owner's list of sessions.
#[derive(Debug, Clone)]
pub struct SessionListItem {
    /// True for the session making this request.
    pub current: bool,
    pub session: Session,
}

/// A freshly issued session and its token: the only time the token exists outside the client.
#[derive(Debug)]
pub struct IssuedSession {
    pub token: Secret,
    pub session: Session,
}

/// Who is calling, by a valid session: the account and the session it used.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub session_id: SessionId,
    /// What the session proved.
    pub aal: Aal,
}

impl Caller {
    pub fn account_id(&self) -> &AccountId {
        &self.account.id
    }
}

/// The session check's answer, as the session's owner sees it.
pub struct CheckedSession {
    pub session: Session,
    pub account: Account,
}

fn parse_methods(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Session {
    pub fn from_row(row: &SessionRow, policy: &SessionPolicy) -> Session {
        Session {
            id: SessionId::from(row.id.clone()),
            aal: Aal::parse(&row.aal),
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
            mfa_enrollment_deadline: row.mfa_enrollment_deadline.map(from_db),
            idp_amr: row.idp_amr.as_deref().map(parse_methods),
        }
    }
}

fn ends_at(row: &SessionRow, policy: &SessionPolicy) -> DateTime<Utc> {
    from_db(row.expires_at).min(from_db(row.last_active_at) + policy.idle)
}

fn is_live(row: &SessionRow, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    row.revoked_at.is_none() && now < ends_at(row, policy)
}

/// How a sign-in was made, as the session records it.
pub struct SignIn<'a> {
    pub aal: Aal,
    pub first: LoginMethod,
    pub second_factor: Option<SecondFactor>,
    /// For an account that must enrol a second factor by then (a grace period): the session
    /// carries it, so the front-end can remind the user.
    pub mfa_enrollment_deadline: Option<DateTime<Utc>>,
    /// For an SSO sign-in: the identity provider's `amr`.
    pub idp_amr: Option<&'a [String]>,
}

/// Issues a session to the request's client. Call inside the transaction that signs in.
pub fn issue(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    aal: Aal,
    first: LoginMethod,
    second_factor: Option<SecondFactor>,
) -> Result<IssuedSession> {
    let sign_in = SignIn {
        aal,
        first,
        second_factor,
        mfa_enrollment_deadline: None,
        idp_amr: None,
    };
    issue_signed_in(cx, account_id, sign_in)
}

/// [`issue`], with everything a sign-in may record.
pub fn issue_signed_in(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    sign_in: SignIn<'_>,
) -> Result<IssuedSession> {
    let SignIn {
        aal,
        first,
        second_factor,
        mfa_enrollment_deadline,
        idp_amr,
    } = sign_in;
    let token = Secret::new(random_token(TOKEN_PREFIX));
    let (client, now, policy) = (cx.client, cx.now, &cx.env.sessions);
    let location = client.location.clone();
    let row = SessionRow {
        id: SessionId::generate().into(),
        account_id: account_id.to_string(),
        token_hash: token_digest(token.expose()),
        aal: aal.name().to_string(),
        methods: serde_json::to_string(&methods_of(first, second_factor))
            .map_err(Error::internal)?,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        location_country: location.as_ref().and_then(|l| l.country.clone()),
        location_city: location.and_then(|l| l.city),
        created_at: to_db(now),
        last_active_at: to_db(now),
        expires_at: to_db(now + policy.absolute),
        revoked_at: None,
        mfa_enrollment_deadline: mfa_enrollment_deadline.map(to_db),
        idp_amr: idp_amr
            .map(serde_json::to_string)
            .transpose()
            .map_err(Error::internal)?,
    };
    diesel::insert_into(sessions::table)
        .values(&row)
        .execute(cx.conn)?;
    Ok(IssuedSession {
        token,
        session: Session::from_row(&row, policy),
    })
}

fn unauthenticated() -> Error {
    Error::denied(ErrorCode::Unauthenticated)
}

/// A token that is no session token: said as what it is, so an integrator sees their mistake.
fn not_a_session_token(token: &str) -> Error {
    use crate::service::{api_keys, introspection, mfa::tickets, operators};
    let is = |prefix: &str| token.starts_with(prefix);
    let detail = if is(api_keys::TOKEN_PREFIX) {
        "This route takes a session, not an API key."
    } else if is(introspection::TOKEN_PREFIX) || is(operators::TOKEN_PREFIX) {
        "This route takes a session, not an integrator key."
    } else if is(tickets::TOKEN_PREFIX) {
        "An enrolment ticket opens enrolment only."
    } else {
        "A valid session token is required (cookie or bearer)."
    };
    Error::denied_because(ErrorCode::Unauthenticated, detail)
}

/// The session check: one indexed read, or none when the session was looked up a moment ago
/// (`service::session_cache`), and nothing written. A use is noted in memory when
/// `last_active_at` is older than the activity resolution (once a minute by default) and
/// written later with others (`service::activity`), so the check never waits for the
/// database's writer.
fn authenticate_rows(
    conn: &mut DbConnection,
    env: &Env,
    token: &Secret,
    now: DateTime<Utc>,
) -> Result<(SessionRow, Account)> {
    let (policy, activity, cache) = (&env.sessions, &env.activity, env.session_cache.as_ref());
    let token = token.expose();
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Err(not_a_session_token(token));
    }
    let digest = token_digest(token);
    let (mut session, account) = match cache.and_then(|cache| cache.get(&digest, now)) {
        Some(kept) => kept,
        None => {
            let ticket = cache.map(SessionCache::ticket);
            let rows = look_up(conn, &digest)?;
            if let (Some(cache), Some(ticket)) = (cache, ticket) {
                cache.keep(ticket, &digest, &rows);
            }
            rows
        }
    };
    if let Some(noted) = activity.noted(&session.id) {
        session.last_active_at = session.last_active_at.max(noted);
    }
    if !is_live(&session, policy, now) {
        return Err(unauthenticated());
    }
    if now - from_db(session.last_active_at) >= policy.activity_resolution {
        session.last_active_at = to_db(now);
        activity.note(&session.id, session.last_active_at);
        if let Some(cache) = cache {
            cache.touch(&digest, session.last_active_at);
        }
    }
    Ok((session, account))
}

/// The session whose token has `digest`, and its account.
fn look_up(conn: &mut DbConnection, digest: &str) -> Result<(SessionRow, Account)> {
    // `token_hash` is unique: at most one row. No `first()`: SQLite re-prepares a statement
    // whose LIMIT is a bound parameter on every run, which quadruples the cost of this check.
    let (session, account) = crate::on_backend!(conn, |inner| {
        sessions::table
            .inner_join(accounts::table)
            .filter(sessions::token_hash.eq(digest))
            .select((SessionRow::as_select(), AccountRow::as_select()))
            .load::<(SessionRow, AccountRow)>(inner)
    })?
    .pop()
    .ok_or_else(unauthenticated)?;
    Ok((session, account.into()))
}

/// Who is calling with `token`: 401 `unauthenticated` for a missing, expired or revoked one.
pub fn authenticate(cx: &mut Context<'_>, token: &Secret) -> Result<Caller> {
    let (session, account) = authenticate_rows(cx.conn, cx.env, token, cx.now)?;
    Ok(Caller {
        account,
        aal: Aal::parse(&session.aal),
        session_id: SessionId::from(session.id),
    })
}

/// [`authenticate`], shaped for the owner: the session check's answer.
pub fn check(cx: &mut Context<'_>, token: &Secret) -> Result<CheckedSession> {
    let policy = &cx.env.sessions;
    let (session, account) = authenticate_rows(cx.conn, cx.env, token, cx.now)?;
    Ok(CheckedSession {
        session: Session::from_row(&session, policy),
        account,
    })
}

/// What a live session stands for, as access tokens and introspection state it.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub account_id: AccountId,
    pub session_id: SessionId,
    pub aal: Aal,
    /// How the session was signed in, as [`Session::methods`] names them.
    pub methods: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When the session ends unless used before.
    pub ends_at: DateTime<Utc>,
    /// When the account's email address was proven; none while it is not.
    pub email_verified_at: Option<DateTime<Utc>>,
}

/// [`authenticate`], for those who state facts about the session to others.
pub fn facts(cx: &mut Context<'_>, token: &Secret) -> Result<SessionFacts> {
    let policy = &cx.env.sessions;
    let (session, account) = authenticate_rows(cx.conn, cx.env, token, cx.now)?;
    Ok(SessionFacts {
        email_verified_at: account.email_verified_at,
        account_id: AccountId::from(session.account_id.clone()),
        aal: Aal::parse(&session.aal),
        methods: parse_methods(&session.methods),
        created_at: from_db(session.created_at),
        ends_at: ends_at(&session, policy),
        session_id: SessionId::from(session.id),
    })
}

/// Whether the session was signed in with `first` (its first step) at `since` or later.
pub fn signed_in_with_since(
    conn: &mut DbConnection,
    session_id: &SessionId,
    first: LoginMethod,
    since: DateTime<Utc>,
) -> Result<bool> {
    let row: Option<(String, chrono::NaiveDateTime)> = sessions::table
        .find(session_id.as_str())
        .select((sessions::methods, sessions::created_at))
        .first(conn)
        .optional()?;
    Ok(row.is_some_and(|(methods, created_at)| {
        from_db(created_at) >= since
            && parse_methods(&methods).first().map(String::as_str) == Some(first.name())
    }))
}

/// The session proved a second factor (`method`) on top of the password: `aal2` from now on.
pub fn raise_to_aal2(
    cx: &mut Context<'_>,
    session_id: &SessionId,
    method: SecondFactor,
) -> Result<()> {
    let methods: String = sessions::table
        .find(session_id.as_str())
        .select(sessions::methods)
        .first(cx.conn)?;
    let mut methods = parse_methods(&methods);
    if !methods.iter().any(|m| m == method.name()) {
        methods.push(method.name().to_string());
    }
    diesel::update(sessions::table.find(session_id.as_str()))
        .set((
            sessions::aal.eq(Aal::Aal2.name()),
            sessions::methods.eq(serde_json::to_string(&methods).map_err(Error::internal)?),
        ))
        .execute(cx.conn)?;
    Ok(())
}

/// The account's live sessions, newest first.
pub fn list(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    current: Option<&SessionId>,
    page: &PageRequest,
) -> Result<Page<SessionListItem>> {
    SessionActivity::flush(cx)?;
    let (policy, now) = (&cx.env.sessions, cx.now);
    let idle_cutoff = to_db(now - policy.idle);
    let rows = crate::keyset_page!(
        sessions::table
            .filter(sessions::account_id.eq(account_id.as_str()))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(to_db(now)))
            .filter(sessions::last_active_at.gt(idle_cutoff))
            .select(SessionRow::as_select()),
        sessions::created_at,
        sessions::id,
        page
    )
    .load::<SessionRow>(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.created_at, &r.id),
        |r| SessionListItem {
            current: current.is_some_and(|id| r.id == id.as_str()),
            session: Session::from_row(&r, policy),
        },
    ))
}

/// Revokes one of the account's sessions; another account's session is "not found".
fn revoke(cx: &mut Context<'_>, account_id: &AccountId, session_id: &SessionId) -> Result<()> {
    let changed = diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id.as_str()))
            .filter(sessions::account_id.eq(account_id.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(cx.now)))
    .execute(cx.conn)?;
    if changed == 0 {
        return Err(Error::denied(ErrorCode::NotFound));
    }
    Ok(())
}

/// The owner signs out one of their sessions (the current one at logout): revoked and
/// audited together.
pub fn sign_out(cx: &mut Context<'_>, caller: &Caller, session_id: &SessionId) -> Result<()> {
    let account_id = caller.account_id();
    cx.transaction(|cx| {
        revoke(cx, account_id, session_id)?;
        audit::record(
            cx,
            account_id,
            AuditAction::SessionRevoked,
            Some(serde_json::json!({"session_id": session_id})),
        )
    })
}

/// The owner signs out everywhere else; returns how many sessions ended.
pub fn sign_out_others(cx: &mut Context<'_>, caller: &Caller) -> Result<usize> {
    cx.transaction(|cx| {
        let revoked = revoke_all_except(cx, caller.account_id(), Some(&caller.session_id))?;
        audit::record(
            cx,
            caller.account_id(),
            AuditAction::SessionsRevokedOthers,
            Some(serde_json::json!({"revoked": revoked})),
        )?;
        Ok(revoked)
    })
}

/// Revokes every live session of the account except `keep`; returns how many ended.
pub fn revoke_all_except(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    keep: Option<&SessionId>,
) -> Result<usize> {
    SessionActivity::flush(cx)?;
    let (policy, now) = (&cx.env.sessions, cx.now);
    // Ids are never empty, so `ne("")` keeps nothing back when there is no session to keep.
    Ok(diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account_id.as_str()))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(to_db(now)))
            .filter(sessions::last_active_at.gt(to_db(now - policy.idle)))
            .filter(sessions::id.ne(keep.map_or("", SessionId::as_str))),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(cx.conn)?)
}

/// Deletes sessions that ended more than a day ago (they can no longer be listed or used),
/// in batches, one indexed condition at a time.
pub fn prune(conn: &mut DbConnection, policy: &SessionPolicy, now: DateTime<Utc>) -> Result<usize> {
    use super::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - chrono::Duration::days(1));
    let idle_cutoff = to_db(now - policy.idle - chrono::Duration::days(1));
    let mut pruned = 0;
    // One condition at a time: the first two use their indexes (an OR of them would scan
    // the table every batch); the idle one scans, since indexing `last_active_at` would
    // make every recorded use of a session write two B-trees.
    for condition in 0..3 {
        pruned += in_batches(|| {
            let batch = sessions::table
                .select(sessions::id)
                .limit(BATCH)
                .into_boxed();
            let batch = match condition {
                0 => batch.filter(sessions::expires_at.lt(cutoff)),
                1 => batch.filter(sessions::revoked_at.lt(cutoff)),
                _ => batch.filter(sessions::last_active_at.lt(idle_cutoff)),
            };
            let ids: Vec<String> = batch.load(conn)?;
            if ids.is_empty() {
                return Ok(0);
            }
            Ok(diesel::delete(sessions::table.filter(sessions::id.eq_any(&ids))).execute(conn)?)
        })?;
    }
    Ok(pruned)
}
