//! Per-client rate limits, kept in the database so every instance shares them: one bucket
//! per kind of attempt and client address (IPv6 by /64, which one subscriber usually holds
//! whole). Checked before any account lookup or password hash, so a flood from one address
//! costs one small write per request and never the hashing threads.
//!
//! Each bucket is a generic cell rate algorithm (GCRA) token bucket, stored as one number:
//! its theoretical arrival time (`tat`). A request is allowed when the bucket, refilled at
//! `limit` per `period`, is not over a full period's allowance; the allowance may be spent in
//! one burst.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::context::{Context, Decision};
use super::error::{Error, Result};
use crate::db::DbConnection;
use crate::db::schema::rate_limits;
use crate::error_code::ErrorCode;

/// What a bucket counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Login, sign-up and re-authentication passwords.
    Password,
    /// Second-factor codes: challenge verify and factor activation.
    Code,
    SignUp,
    /// Hardware-token imports, per organisation.
    TokenImport,
    /// DNS look-ups for a domain's verification, per organisation.
    DomainCheck,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Password => "password",
            Kind::Code => "code",
            Kind::SignUp => "signup",
            Kind::TokenImport => "token_import",
            Kind::DomainCheck => "domain_check",
        }
    }
}

/// A limit of `limit` requests per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: i64,
    pub period: Duration,
}

impl Rate {
    pub fn per_minute(limit: i64) -> Rate {
        Rate {
            limit,
            period: Duration::minutes(1),
        }
    }

    pub fn per_hour(limit: i64) -> Rate {
        Rate {
            limit,
            period: Duration::hours(1),
        }
    }

    fn period_micros(self) -> i64 {
        self.period.num_microseconds().unwrap_or(i64::MAX)
    }

    /// The time one request takes from the bucket.
    fn interval_micros(self) -> i64 {
        (self.period_micros() / self.limit.max(1)).max(1)
    }
}

/// The configured rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub password: Rate,
    pub code: Rate,
    pub sign_up: Rate,
}

impl RateLimits {
    pub fn rate(&self, kind: Kind) -> Rate {
        match kind {
            Kind::Password => self.password,
            Kind::Code => self.code,
            Kind::SignUp => self.sign_up,
            // An import is a big write; twenty an hour is plenty for real use.
            Kind::TokenImport => Rate::per_hour(20),
            // Each check makes this server ask DNS on an organisation's behalf; a record is
            // published once, so a few tries an hour are enough.
            Kind::DomainCheck => Rate::per_hour(10),
        }
    }
}

/// The address a client is counted under: IPv4 as it is, IPv6 by its /64 (a subscriber's
/// usual allocation, so cycling through one's own addresses does not escape the limit), an
/// IPv4-mapped IPv6 address as the IPv4 it is.
pub fn ip_key(ip: Option<&str>) -> String {
    match ip.and_then(|ip| ip.parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                format!("{}/64", std::net::Ipv6Addr::from(segments))
            }
        },
        None => "unknown".to_string(),
    }
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Takes one request from each of the client's buckets of `kinds`, or refuses with
/// `rate_limited` and the seconds until one is free. Writes nothing but the buckets.
pub fn take(cx: &mut Context<'_>, kinds: &[Kind]) -> Result<()> {
    let ip_key = cx.client.ip_key();
    for kind in kinds {
        take_one(cx, *kind, &ip_key)?;
    }
    Ok(())
}

/// Takes one request from the bucket of `kind` for `subject` (an organisation, say, rather
/// than a client address).
pub fn take_for(cx: &mut Context<'_>, kind: Kind, subject: &str) -> Result<()> {
    take_one(cx, kind, subject)
}

fn take_one(cx: &mut Context<'_>, kind: Kind, key: &str) -> Result<()> {
    let rate = cx.env.rate_limits.rate(kind);
    let bucket = format!("{}@{key}", kind.name());
    let now = micros(cx.now);
    let interval = rate.interval_micros();
    // The latest `tat` at which one more request still fits in the allowance.
    let fits_until = now.saturating_add(rate.period_micros() - interval);
    cx.decide(|cx| {
        crate::on_backend!(&mut *cx.conn, |inner| diesel::insert_into(
            rate_limits::table
        )
        .values((rate_limits::bucket.eq(&bucket), rate_limits::tat.eq(now)))
        .on_conflict_do_nothing()
        .execute(inner))?;
        // Two conditional updates, each atomic: a full bucket starts from now, a partly
        // used one moves on by one interval. Neither applies when the bucket is spent.
        let refilled = diesel::update(
            rate_limits::table
                .find(&bucket)
                .filter(rate_limits::tat.le(now)),
        )
        .set(rate_limits::tat.eq(now + interval))
        .execute(cx.conn)?;
        if refilled == 1 {
            return Ok(Decision::Done(()));
        }
        let taken = diesel::update(
            rate_limits::table
                .find(&bucket)
                .filter(rate_limits::tat.gt(now))
                .filter(rate_limits::tat.le(fits_until)),
        )
        .set(rate_limits::tat.eq(rate_limits::tat + interval))
        .execute(cx.conn)?;
        if taken == 1 {
            return Ok(Decision::Done(()));
        }
        let tat: i64 = rate_limits::table
            .find(&bucket)
            .select(rate_limits::tat)
            .first(cx.conn)?;
        let wait = tat.saturating_sub(fits_until).max(1);
        // Rounded up: a client that waits `Retry-After` seconds finds room.
        let retry_after = (wait.saturating_add(999_999) / 1_000_000).max(1);
        Ok(Decision::Refused(
            Error::denied(ErrorCode::RateLimited).with(|d| d.retry_after_secs = Some(retry_after)),
        ))
    })
}

/// A 429 `rate_limited` refusal saying why, with `Retry-After` (at least a second): for the
/// budgets counted elsewhere (codes and emails sent).
pub fn refusal(retry_after: Duration, detail: &str) -> Error {
    Error::denied_because(ErrorCode::RateLimited, detail)
        .with(|d| d.retry_after_secs = Some(retry_after.num_seconds().max(1)))
}

/// Deletes buckets that are full again (their `tat` has passed), a batch at a time.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    super::maintenance::in_batches(|| {
        let batch: Vec<String> = rate_limits::table
            .filter(rate_limits::tat.lt(micros(now)))
            .select(rate_limits::bucket)
            .limit(super::maintenance::BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(
            diesel::delete(rate_limits::table.filter(rate_limits::bucket.eq_any(&batch)))
                .execute(conn)?,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_counted_by_ipv4_address_and_ipv6_slash_64() {
        assert_eq!(ip_key(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(
            ip_key(Some("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            ip_key(Some("2001:db8:1:2::1")),
            ip_key(Some("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            ip_key(Some("2001:db8:1:2::1")),
            ip_key(Some("2001:db8:1:3::1"))
        );
        assert_eq!(ip_key(Some("::ffff:198.51.100.4")), "198.51.100.4");
        assert_eq!(ip_key(None), "unknown");
        assert_eq!(ip_key(Some("garbage")), "unknown");
    }
}
