//! Periodic clean-up: expired sessions, passed lockouts, login history past retention,
//! dead login challenges, abandoned enrolments, full rate-limit buckets and token signing
//! keys whose tokens have all expired, finished outgoing messages, SSO sign-ins and email
//! verification codes that ended a day ago, in batches.

use super::context::Context;
use super::error::Result;
use super::{history, rate_limit, sessions, throttle};

/// Rows deleted per statement. Each statement is its own short transaction, so pruning a large
/// backlog never holds SQLite's write lock for long; logins and session checks slip in between.
pub const BATCH: i64 = 500;

/// Runs `delete_batch` (which deletes at most [`BATCH`] rows) until a batch comes back short;
/// returns how many rows went.
pub fn in_batches(mut delete_batch: impl FnMut() -> Result<usize>) -> Result<usize> {
    let mut total = 0;
    loop {
        let deleted = delete_batch()?;
        total += deleted;
        if deleted < BATCH as usize {
            return Ok(total);
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: usize,
    pub throttles: usize,
    pub login_events: usize,
    pub challenges: usize,
    pub pending_factors: usize,
    pub rate_limits: usize,
    pub enrollment_tickets: usize,
    pub signing_keys: usize,
    pub outbox: usize,
    pub password_resets: usize,
    pub sent_codes: usize,
    pub sso_flows: usize,
    pub email_verifications: usize,
    pub message_sends: usize,
}

pub fn prune_expired(cx: &mut Context<'_>) -> Result<Pruned> {
    // Sessions are pruned by their last activity: the noted uses first.
    super::activity::SessionActivity::flush(cx)?;
    let (env, now) = (cx.env, cx.now);
    let conn = &mut *cx.conn;
    Ok(Pruned {
        sessions: sessions::prune(conn, &env.sessions, now)?,
        throttles: throttle::prune(conn, &env.login, now)?,
        login_events: history::prune(conn, env.login.history_retention, now)?,
        challenges: super::mfa::challenges::prune(conn, now)?,
        pending_factors: super::mfa::enrolment::prune_pending(conn, now)?,
        rate_limits: rate_limit::prune(conn, now)?,
        enrollment_tickets: super::mfa::tickets::prune(conn, now)?,
        signing_keys: super::signing_keys::prune(conn, &env.signing_keys, now)?,
        outbox: super::outbox::prune(conn, now)?,
        password_resets: super::password_reset::prune(conn, now)?,
        sent_codes: super::mfa::sent_codes::prune(conn, now)?,
        sso_flows: super::sso::flows::prune(conn, now)?,
        email_verifications: super::email_verification::prune(conn, now)?,
        message_sends: super::mfa::send_budget::prune(conn, now)?,
    })
}

/// The readiness probe's question: does the database answer?
pub fn database_answers(cx: &mut Context<'_>) -> Result<()> {
    crate::db::ping(cx.conn).map_err(|e| super::Error::Unavailable(e.into()))
}
