//! Failure counting and lockout, kept in the database so that every instance sees the same
//! lock. A subject is what is being guessed at, e.g. `password:ada@example.com`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{LoginPolicy, from_db, to_db};
use crate::crypto::sealing::Sealer;
use crate::db::DbConnection;
use crate::db::models::LoginThrottleRow;
use crate::db::schema::login_throttles;
use crate::error::ApiError;

/// A keyed digest of a normalised email. The lockout subject, and the login history of an
/// email that has no account, keep only this: people type passwords into the email field, and
/// a database dump must not show them.
pub fn email_digest(sealer: &Sealer, normalised_email: &str) -> String {
    sealer.digest(&format!("login-email:{normalised_email}"))
}

/// Unknown emails get a subject too, so a lockout answer reveals nothing about existence.
pub fn password_subject(sealer: &Sealer, normalised_email: &str) -> String {
    format!("password:{}", email_digest(sealer, normalised_email))
}

/// Seconds until the subject may be tried again, if it is locked now.
pub fn locked_for(
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

fn seconds_until(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    // Round up: a client that waits `Retry-After` seconds must find the lock gone.
    let micros = (until - now).num_microseconds().unwrap_or(i64::MAX);
    ((micros.saturating_add(999_999)) / 1_000_000).max(1)
}

/// What [`count_attempt`] decided.
#[derive(Debug, Clone, Copy)]
pub enum Counted {
    /// Go on and check the guess; it is the `nth` of the current window.
    Allowed { nth: i32 },
    /// Refused without a check, for this many seconds.
    Locked { retry_after_secs: i64 },
}

/// Counts an attempt at `subject` *before* it is checked, as if it will fail. Checking a lock
/// that was read before any of a burst of guesses was counted would let the whole burst
/// through; one atomic increment per attempt gives each its place, so the attempt past the
/// threshold is refused however many arrive at once, on however many instances. On
/// PostgreSQL the increment also holds the subject's row lock until the transaction ends,
/// which serialises the checks of one subject made inside that transaction.
///
/// Settle the attempt afterwards with [`failed`], [`undo`] or [`clear`].
pub fn count_attempt(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Counted, ApiError> {
    let window_open_since = to_db(now - policy.lockout_window);
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
            if nth <= policy.lockout_threshold {
                return Ok(Counted::Allowed { nth });
            }
            // Past the threshold while the attempts before it are still being checked.
            let until = now + policy.lockout_duration;
            diesel::update(login_throttles::table.find(subject))
                .set(login_throttles::locked_until.eq(Some(to_db(until))))
                .execute(conn)?;
            return Ok(Counted::Locked {
                retry_after_secs: seconds_until(until, now),
            });
        }
        if let Some(retry_after_secs) = locked_for(conn, subject, now)? {
            return Ok(Counted::Locked { retry_after_secs });
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
            return Ok(Counted::Allowed { nth: 1 });
        }
    }
    Err(ApiError::internal(format!(
        "throttle: could not count an attempt at {subject}"
    )))
}

/// The counted attempt was wrong: it stays counted, and the one that reaches the threshold
/// locks the subject.
pub fn failed(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    subject: &str,
    nth: i32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if nth >= policy.lockout_threshold {
        diesel::update(login_throttles::table.find(subject))
            .set(login_throttles::locked_until.eq(Some(to_db(now + policy.lockout_duration))))
            .execute(conn)?;
    }
    Ok(())
}

/// The counted attempt was right, but earlier failures still stand (a re-entered password
/// for a sensitive change): take back only this attempt's count.
pub fn undo(conn: &mut DbConnection, subject: &str) -> Result<(), ApiError> {
    diesel::update(
        login_throttles::table
            .find(subject)
            .filter(login_throttles::failures.gt(0)),
    )
    .set(login_throttles::failures.eq(login_throttles::failures - 1))
    .execute(conn)?;
    Ok(())
}

/// Forgets every failure of the subject (a completed login).
pub fn clear(conn: &mut DbConnection, subject: &str) -> Result<(), ApiError> {
    diesel::delete(login_throttles::table.find(subject)).execute(conn)?;
    Ok(())
}

/// Deletes counters whose window and lock have both passed.
pub fn prune(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let window_cutoff = to_db(now - policy.lockout_window);
    Ok(diesel::delete(
        login_throttles::table
            .filter(login_throttles::window_started_at.lt(window_cutoff))
            .filter(
                login_throttles::locked_until
                    .is_null()
                    .or(login_throttles::locked_until.lt(to_db(now))),
            ),
    )
    .execute(conn)?)
}
