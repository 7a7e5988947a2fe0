//! Periodic clean-up: expired sessions, passed lockouts, login history past retention,
//! dead login challenges and abandoned enrolments.

use chrono::{DateTime, Utc};

use super::{LoginPolicy, SessionPolicy, history, sessions, throttle};
use crate::db::DbConnection;
use crate::error::ApiError;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: usize,
    pub throttles: usize,
    pub login_events: usize,
    pub challenges: usize,
    pub pending_factors: usize,
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
    })
}
