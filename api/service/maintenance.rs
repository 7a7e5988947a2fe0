//! Periodic clean-up: expired sessions, passed lockouts, login history past retention,
//! dead login challenges, abandoned enrolments and full rate-limit buckets, in batches.

use chrono::{DateTime, Utc};

use super::{LoginPolicy, SessionPolicy, history, rate_limit, sessions, throttle};
use crate::db::DbConnection;
use crate::error::ApiError;

/// Rows deleted per statement. Each statement is its own short transaction, so pruning a large
/// backlog never holds SQLite's write lock for long; logins and session checks slip in between.
pub const BATCH: i64 = 500;

/// Runs `delete_batch` (which deletes at most [`BATCH`] rows) until a batch comes back short;
/// returns how many rows went.
pub fn in_batches(
    mut delete_batch: impl FnMut() -> Result<usize, ApiError>,
) -> Result<usize, ApiError> {
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
}

pub fn prune_expired(
    conn: &mut DbConnection,
    sessions_policy: &SessionPolicy,
    login_policy: &LoginPolicy,
    now: DateTime<Utc>,
) -> Result<Pruned, ApiError> {
    Ok(Pruned {
        sessions: sessions::prune(conn, sessions_policy, now)?,
        throttles: throttle::prune(conn, login_policy, now)?,
        login_events: history::prune(conn, login_policy.history_retention, now)?,
        challenges: super::mfa::challenges::prune(conn, now)?,
        pending_factors: super::mfa::factors::prune_pending(conn, now)?,
        rate_limits: rate_limit::prune(conn, now)?,
    })
}
