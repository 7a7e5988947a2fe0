//! Failure counting and lockout, kept in the database so that every instance sees the same
//! lock.
//!
//! Each guessable secret (an account's password, its second factor) is guarded twice: per
//! (account, client IP), which locks after a few failures, and per account, a much higher
//! backstop that locks the account for every IP. A stranger guessing from one address thus
//! locks only that address out, not the real user; guessing from many addresses still ends at
//! the backstop. Subjects name what is guessed at: `password:<account id>@<ip>`,
//! `password:<account id>`, `mfa:…` likewise. An email without an account stands in as
//! `?<keyed digest>`, so a lockout answer tells nothing about whether an account exists.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::{LoginPolicy, from_db, to_db};
use crate::crypto::sealing::Sealer;
use crate::db::DbConnection;
use crate::db::models::LoginThrottleRow;
use crate::db::schema::login_throttles;
use crate::error::ApiError;

/// A keyed digest (`key_id:hex`) of a normalised email. The lockout subject, and the login
/// history of an email that has no account, keep only this: people type passwords into the
/// email field, and a database dump must not show them.
pub fn email_digest(sealer: &Sealer, normalised_email: &str) -> String {
    sealer.digest(&format!("login-email:{normalised_email}"))
}

/// What is being guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    Password,
    SecondFactor,
}

impl Secret {
    fn prefix(self) -> &'static str {
        match self {
            Secret::Password => "password",
            Secret::SecondFactor => "mfa",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Secret::Password => "password",
            Secret::SecondFactor => "code",
        }
    }
}

/// The two counters one attempt goes to.
#[derive(Debug, Clone)]
pub struct Guard {
    pair: String,
    account: String,
}

impl Guard {
    /// `who` is the account id, or `?<email digest>` for an email without an account;
    /// `ip_key` is the client's address as rate limits key it (IPv6 by /64).
    pub fn new(secret: Secret, who: &str, ip_key: &str) -> Guard {
        let account = format!("{}:{who}", secret.prefix());
        Guard {
            pair: format!("{account}@{ip_key}"),
            account,
        }
    }

    pub fn for_unknown_email(sealer: &Sealer, normalised_email: &str, ip_key: &str) -> Guard {
        let who = format!("?{}", email_digest(sealer, normalised_email));
        Guard::new(Secret::Password, &who, ip_key)
    }
}

/// How far the lock of a counter reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockScope {
    /// The account, for the client's IP only.
    Ip,
    /// The account, for every IP (the backstop).
    Account,
}

impl LockScope {
    pub fn name(self) -> &'static str {
        match self {
            LockScope::Ip => "ip",
            LockScope::Account => "account",
        }
    }
}

/// A lock that this attempt set: audit it, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLock {
    pub scope: LockScope,
    pub until: DateTime<Utc>,
}

/// What [`count`] decided.
#[derive(Debug, Clone, Copy)]
pub enum Counted {
    /// Go on and check the guess; settle it afterwards with [`failed`], [`succeeded`] or
    /// [`undo`].
    Allowed(Ticket),
    /// Refused without a check, for this many seconds. `new_lock` when this attempt is the
    /// one that set the lock.
    Locked {
        retry_after_secs: i64,
        new_lock: Option<NewLock>,
    },
}

/// The places an allowed attempt took in its two windows.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    pair_nth: i32,
    account_nth: i32,
}

#[derive(Clone, Copy)]
struct Limit {
    threshold: i32,
    window: Duration,
    duration: Duration,
}

fn limits(policy: &LoginPolicy) -> (Limit, Limit) {
    let pair = Limit {
        threshold: policy.lockout_threshold,
        window: policy.lockout_window,
        duration: policy.lockout_duration,
    };
    let account = Limit {
        threshold: policy.account_lockout_threshold,
        ..pair
    };
    (pair, account)
}

/// Counts an attempt *before* it is checked, as if it will fail, on both counters (the pair
/// first, then the account, always in that order so that concurrent transactions take the
/// row locks alike). Checking a lock that was read before any of a burst of guesses was
/// counted would let the whole burst through; one atomic increment per attempt gives each its
/// place, so the attempt past the threshold is refused however many arrive at once, on
/// however many instances. On PostgreSQL the increments also hold the counters' row locks
/// until the transaction ends, which serialises the checks made inside that transaction.
pub fn count(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    guard: &Guard,
    now: DateTime<Utc>,
) -> Result<Counted, ApiError> {
    let (pair_limit, account_limit) = limits(policy);
    let pair_nth = match count_one(conn, pair_limit, &guard.pair, LockScope::Ip, now)? {
        Ok(nth) => nth,
        Err(locked) => return Ok(locked),
    };
    let account_nth = match count_one(conn, account_limit, &guard.account, LockScope::Account, now)?
    {
        Ok(nth) => nth,
        Err(locked) => {
            // Refused by the backstop: this attempt was never checked, so it is no
            // failure of this IP's either.
            take_back(conn, &guard.pair)?;
            return Ok(locked);
        }
    };
    Ok(Counted::Allowed(Ticket {
        pair_nth,
        account_nth,
    }))
}

fn seconds_until(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    // Round up: a client that waits `Retry-After` seconds must find the lock gone.
    let micros = (until - now).num_microseconds().unwrap_or(i64::MAX);
    ((micros.saturating_add(999_999)) / 1_000_000).max(1)
}

fn locked_for(
    conn: &mut DbConnection,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ApiError> {
    let locked_until: Option<Option<chrono::NaiveDateTime>> = login_throttles::table
        .find(subject)
        .select(login_throttles::locked_until)
        .first(conn)
        .optional()?;
    Ok(locked_until
        .flatten()
        .map(from_db)
        .filter(|until| *until > now)
        .map(|until| seconds_until(until, now)))
}

/// Sets the lock unless one is set already; says whether this call set it.
fn lock(
    conn: &mut DbConnection,
    limit: Limit,
    subject: &str,
    scope: LockScope,
    now: DateTime<Utc>,
) -> Result<Option<NewLock>, ApiError> {
    let until = now + limit.duration;
    let set = diesel::update(
        login_throttles::table
            .find(subject)
            .filter(login_throttles::locked_until.is_null()),
    )
    .set(login_throttles::locked_until.eq(Some(to_db(until))))
    .execute(conn)?;
    Ok((set == 1).then_some(NewLock { scope, until }))
}

/// Counts one attempt at one subject: its place in the window, or the lock that refuses it.
fn count_one(
    conn: &mut DbConnection,
    limit: Limit,
    subject: &str,
    scope: LockScope,
    now: DateTime<Utc>,
) -> Result<Result<i32, Counted>, ApiError> {
    let window_open_since = to_db(now - limit.window);
    let row = LoginThrottleRow {
        subject: subject.to_string(),
        failures: 0,
        window_started_at: to_db(now),
        locked_until: None,
    };
    // Both backends speak ON CONFLICT; diesel's multi-backend connection does not.
    crate::on_backend!(conn, |inner| diesel::insert_into(login_throttles::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(inner))?;
    // Another attempt may restart the window between our statements: try again, a few times.
    for _ in 0..3 {
        let counted = diesel::update(
            login_throttles::table
                .find(subject)
                .filter(login_throttles::window_started_at.gt(window_open_since))
                .filter(login_throttles::locked_until.is_null()),
        )
        .set(login_throttles::failures.eq(login_throttles::failures + 1))
        .execute(conn)?;
        if counted == 1 {
            let nth: i32 = login_throttles::table
                .find(subject)
                .select(login_throttles::failures)
                .first(conn)?;
            if nth <= limit.threshold {
                return Ok(Ok(nth));
            }
            // Past the threshold while the attempts before it are still being checked.
            let new_lock = lock(conn, limit, subject, scope, now)?;
            let retry_after_secs = locked_for(conn, subject, now)?.unwrap_or(1);
            return Ok(Err(Counted::Locked {
                retry_after_secs,
                new_lock,
            }));
        }
        if let Some(retry_after_secs) = locked_for(conn, subject, now)? {
            return Ok(Err(Counted::Locked {
                retry_after_secs,
                new_lock: None,
            }));
        }
        // The window has passed, or its lock has: this attempt opens a new one.
        let restarted = diesel::update(
            login_throttles::table.find(subject).filter(
                login_throttles::window_started_at
                    .le(window_open_since)
                    .or(login_throttles::locked_until.le(to_db(now))),
            ),
        )
        .set((
            login_throttles::failures.eq(1),
            login_throttles::window_started_at.eq(to_db(now)),
            login_throttles::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if restarted == 1 {
            return Ok(Ok(1));
        }
    }
    Err(ApiError::internal(format!(
        "throttle: could not count an attempt at {subject}"
    )))
}

/// The counted attempt was wrong: it stays counted, and the one that reaches a threshold
/// locks. Returns the locks this failure set (none, the IP's, the account's, or both).
pub fn failed(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    guard: &Guard,
    ticket: Ticket,
    now: DateTime<Utc>,
) -> Result<Vec<NewLock>, ApiError> {
    let (pair_limit, account_limit) = limits(policy);
    let mut new_locks = Vec::new();
    if ticket.pair_nth >= pair_limit.threshold {
        new_locks.extend(lock(conn, pair_limit, &guard.pair, LockScope::Ip, now)?);
    }
    if ticket.account_nth >= account_limit.threshold {
        new_locks.extend(lock(
            conn,
            account_limit,
            &guard.account,
            LockScope::Account,
            now,
        )?);
    }
    Ok(new_locks)
}

fn take_back(conn: &mut DbConnection, subject: &str) -> Result<(), ApiError> {
    diesel::update(
        login_throttles::table
            .find(subject)
            .filter(login_throttles::failures.gt(0)),
    )
    .set(login_throttles::failures.eq(login_throttles::failures - 1))
    .execute(conn)?;
    Ok(())
}

/// The counted attempt was right, but earlier failures still stand (a re-entered password
/// for a sensitive change): take back only this attempt's counts.
pub fn undo(conn: &mut DbConnection, guard: &Guard) -> Result<(), ApiError> {
    take_back(conn, &guard.pair)?;
    take_back(conn, &guard.account)
}

/// A completed sign-in: this IP's failures are forgiven; the account's backstop keeps the
/// failures of other IPs and takes back only this attempt.
pub fn succeeded(conn: &mut DbConnection, guard: &Guard) -> Result<(), ApiError> {
    diesel::delete(login_throttles::table.find(&guard.pair)).execute(conn)?;
    take_back(conn, &guard.account)
}

/// Forgets every failure of the account at this secret, from every IP (a new password).
pub fn clear_account(conn: &mut DbConnection, guard: &Guard) -> Result<(), ApiError> {
    let pairs = format!("{}@%", guard.account);
    diesel::delete(
        login_throttles::table.filter(
            login_throttles::subject
                .eq(&guard.account)
                .or(login_throttles::subject.like(pairs)),
        ),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes counters whose window and lock have both passed, a batch at a time.
pub fn prune(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let window_cutoff = to_db(now - policy.lockout_window);
    super::maintenance::in_batches(|| {
        let batch: Vec<String> = login_throttles::table
            .filter(login_throttles::window_started_at.lt(window_cutoff))
            .filter(
                login_throttles::locked_until
                    .is_null()
                    .or(login_throttles::locked_until.lt(to_db(now))),
            )
            .select(login_throttles::subject)
            .limit(super::maintenance::BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(
            diesel::delete(login_throttles::table.filter(login_throttles::subject.eq_any(&batch)))
                .execute(conn)?,
        )
    })
}
