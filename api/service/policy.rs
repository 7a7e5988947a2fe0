//! The configured rules for sessions and sign-in attempts.

use chrono::Duration;

#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    /// `last_active_at` is written at most this often per session.
    pub activity_resolution: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures of one account from one client IP that lock that pair.
    pub lockout_threshold: i32,
    /// Failures of one account from all IPs that lock it for every IP.
    pub account_lockout_threshold: i32,
    pub lockout_window: Duration,
    pub lockout_duration: Duration,
    pub history_retention: Duration,
}
