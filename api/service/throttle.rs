//! Failure counting and lockout, kept in the database so that every instance sees the same
//! lock. A subject is what is being guessed at, e.g. `password:ada@example.com`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{LoginPolicy, from_db, to_db};
use crate::db::DbConnection;
use crate::db::models::LoginThrottleRow;
use crate::db::schema::login_throttles;
use crate::error::ApiError;

/// Unknown emails get a subject too, so a lockout answer reveals nothing about existence.
pub fn password_subject(normalised_email: &str) -> String {
    format!("password:{normalised_email}")
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

/// Counts one failure inside the current window (starting a new window when the old one has
/// passed) and locks the subject when the count reaches the threshold. Call inside a write
/// transaction.
pub fn record_failure(
    conn: &mut DbConnection,
    policy: &LoginPolicy,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let window_open_since = to_db(now - policy.lockout_window);
    // Atomic increment inside the window, so concurrent failures on several instances all count.
    let counted = diesel::update(
        login_throttles::table
            .find(subject)
            .filter(login_throttles::window_started_at.gt(window_open_since)),
    )
    .set(login_throttles::failures.eq(login_throttles::failures + 1))
    .execute(conn)?;
    if counted == 0 {
        let fresh = LoginThrottleRow {
            subject: subject.to_string(),
            failures: 1,
            window_started_at: to_db(now),
            locked_until: None,
        };
        let restarted = diesel::update(login_throttles::table.find(subject))
            .set((
                login_throttles::failures.eq(1),
                login_throttles::window_started_at.eq(fresh.window_started_at),
                login_throttles::locked_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(conn)?;
        if restarted == 0 {
            diesel::insert_into(login_throttles::table)
                .values(&fresh)
                .execute(conn)?;
        }
    }
    let failures: i32 = login_throttles::table
        .find(subject)
        .select(login_throttles::failures)
        .first(conn)?;
    if failures >= policy.lockout_threshold {
        diesel::update(login_throttles::table.find(subject))
            .set(login_throttles::locked_until.eq(Some(to_db(now + policy.lockout_duration))))
            .execute(conn)?;
    }
    Ok(())
}

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
