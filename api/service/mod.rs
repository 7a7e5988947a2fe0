//! The domain. Plain Rust: no actix, no HTTP types; time comes in as `now`.

pub mod accounts;
pub mod audit;
pub mod devices;
pub mod geo;
pub mod history;
pub mod keyring;
pub mod login;
pub mod maintenance;
pub mod mfa;
pub mod pagination;
pub mod passwords;
pub mod rate_limit;
pub mod sessions;
pub mod throttle;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::crypto::password::PasswordHasher;
use crate::crypto::sealing::Sealer;

/// Where a request came from, as far as the server can tell.
#[derive(Debug, Clone, Default)]
pub struct ClientContext {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub location: Option<Location>,
}

impl ClientContext {
    /// The address rate limits and lockouts count this client under (IPv6 by /64).
    pub fn ip_key(&self) -> String {
        rate_limit::ip_key(self.ip.as_deref())
    }
}

/// Coarse location of an IP address, from the configured MaxMind-format database.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code.
    #[schema(example = "DE")]
    pub country: Option<String>,
    #[schema(example = "Berlin")]
    pub city: Option<String>,
}

impl Location {
    pub fn from_columns(country: Option<String>, city: Option<String>) -> Option<Location> {
        (country.is_some() || city.is_some()).then_some(Location { country, city })
    }
}

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

/// What checking passwords and codes needs.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    pub hasher: &'a PasswordHasher,
    pub sealer: &'a Sealer,
    pub policy: &'a LoginPolicy,
}

/// The policies a login-related action needs.
#[derive(Clone, Copy)]
pub struct Policies<'a> {
    pub login: &'a LoginPolicy,
    pub sessions: &'a SessionPolicy,
}

pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
