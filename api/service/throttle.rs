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

use super::audit;
use super::context::{Context, Decision, Tx};
use super::error::{Error, Result};
use super::ids::AccountId;
use super::policy::LoginPolicy;
use crate::crypto::sealing::Sealer;
use crate::db::models::LoginThrottleRow;
use crate::db::schema::login_throttles;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

/// A keyed digest (`key_id:hex`) of a normalised email. The lockout subject, and the login
/// history of an email that has no account, keep only this: people type passwords into the
/// email field, and a database dump must not show them.
pub fn email_digest(sealer: &Sealer, normalised_email: &str) -> String {
    sealer.digest(&format!("login-email:{normalised_email}"))
}

/// What is being guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Password,
    SecondFactor,
    /// The code sent to prove an email address.
    EmailCode,
}

impl Credential {
    fn prefix(self) -> &'static str {
        match self {
            Credential::Password => "password",
            Credential::SecondFactor => "mfa",
            Credential::EmailCode => "email_code",
        }
    }

    /// As the audit log names it.
    pub fn name(self) -> &'static str {
        match self {
            Credential::Password => "password",
            Credential::SecondFactor => "code",
            Credential::EmailCode => "email_code",
        }
    }
}

/// The two counters one attempt goes to, and whose account they guard (none for an email
/// without an account).
#[derive(Debug, Clone)]
pub struct Guard {
    credential: Credential,
    owner: Option<AccountId>,
    pair: String,
    account: String,
}

impl Guard {
    /// The account's `credential`, tried from the client's address (as rate limits key it:
    /// IPv6 by /64).
    pub fn new(credential: Credential, owner: &AccountId, ip_key: &str) -> Guard {
        Guard::for_subject(credential, owner.as_str(), Some(owner.clone()), ip_key)
    }

    pub fn for_unknown_email(sealer: &Sealer, normalised_email: &str, ip_key: &str) -> Guard {
        let who = format!("?{}", email_digest(sealer, normalised_email));
        Guard::for_subject(Credential::Password, &who, None, ip_key)
    }

    fn for_subject(
        credential: Credential,
        who: &str,
        owner: Option<AccountId>,
        ip_key: &str,
    ) -> Guard {
        let account = format!("{}:{who}", credential.prefix());
        Guard {
            credential,
            owner,
            pair: format!("{account}@{ip_key}"),
            account,
        }
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
pub fn count(cx: &mut Context<'_>, guard: &Guard) -> Result<Counted> {
    let (conn, now) = (&mut *cx.conn, cx.now);
    let (pair_limit, account_limit) = limits(&cx.env.login);
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

fn locked_for(conn: &mut DbConnection, subject: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
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
) -> Result<Option<NewLock>> {
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
) -> Result<std::result::Result<i32, Counted>> {
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
    Err(Error::internal(format!(
        "throttle: could not count an attempt at {subject}"
    )))
}

/// The counted attempt was wrong: it stays counted, and the one that reaches a threshold
/// locks. Returns the locks this failure set (none, the IP's, the account's, or both).
pub fn failed(cx: &mut Context<'_>, guard: &Guard, ticket: Ticket) -> Result<Vec<NewLock>> {
    let (pair_limit, account_limit) = limits(&cx.env.login);
    let mut new_locks = Vec::new();
    if ticket.pair_nth >= pair_limit.threshold {
        new_locks.extend(lock(
            cx.conn,
            pair_limit,
            &guard.pair,
            LockScope::Ip,
            cx.now,
        )?);
    }
    if ticket.account_nth >= account_limit.threshold {
        new_locks.extend(lock(
            cx.conn,
            account_limit,
            &guard.account,
            LockScope::Account,
            cx.now,
        )?);
    }
    Ok(new_locks)
}

/// Counts an attempt at a guarded credential (see [`count`]). A lock refuses it with
/// `too_many_attempts`; the lock this attempt set, if any, is audited for the account.
pub fn admit(cx: &mut Tx<'_>, guard: &Guard) -> Result<Decision<Ticket>> {
    match count(cx, guard)? {
        Counted::Allowed(ticket) => Ok(Decision::Done(ticket)),
        Counted::Locked {
            retry_after_secs,
            new_lock,
        } => {
            audit_locks(cx, guard, new_lock.into_iter().collect())?;
            Ok(Decision::Refused(locked(retry_after_secs)))
        }
    }
}

/// The admitted attempt was wrong: see [`failed`]; the locks it set are audited.
pub fn reject(cx: &mut Tx<'_>, guard: &Guard, ticket: Ticket) -> Result<()> {
    let new_locks = failed(cx, guard, ticket)?;
    audit_locks(cx, guard, new_locks)
}

fn audit_locks(cx: &mut Tx<'_>, guard: &Guard, new_locks: Vec<NewLock>) -> Result<()> {
    match &guard.owner {
        Some(owner) => audit::record_locks(cx, owner, guard.credential, new_locks),
        None => Ok(()),
    }
}

/// The refusal of a locked credential.
pub fn locked(retry_after_secs: i64) -> Error {
    Error::denied(ErrorCode::TooManyAttempts).with(|d| d.retry_after_secs = Some(retry_after_secs))
}

fn take_back(conn: &mut DbConnection, subject: &str) -> Result<()> {
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
pub fn undo(cx: &mut Context<'_>, guard: &Guard) -> Result<()> {
    take_back(cx.conn, &guard.pair)?;
    take_back(cx.conn, &guard.account)
}

/// A completed sign-in: this IP's failures are forgiven; the account's backstop keeps the
/// failures of other IPs and takes back only this attempt.
pub fn succeeded(cx: &mut Context<'_>, guard: &Guard) -> Result<()> {
    diesel::delete(login_throttles::table.find(&guard.pair)).execute(cx.conn)?;
    take_back(cx.conn, &guard.account)
}

/// A password reset: the owner proved the mailbox, so the account-wide backstop and this
/// address's lock go; the locks of other addresses, where the guessing came from, stay.
pub fn clear_backstop(cx: &mut Context<'_>, guard: &Guard) -> Result<()> {
    diesel::delete(
        login_throttles::table
            .filter(login_throttles::subject.eq_any([&guard.account, &guard.pair])),
    )
    .execute(cx.conn)?;
    Ok(())
}

/// Forgets every failure of the account at this credential, from every IP (a new password).
pub fn clear_account(cx: &mut Context<'_>, guard: &Guard) -> Result<()> {
    let pairs = format!("{}@%", guard.account);
    diesel::delete(
        login_throttles::table.filter(
            login_throttles::subject
                .eq(&guard.account)
                .or(login_throttles::subject.like(pairs)),
        ),
    )
    .execute(cx.conn)?;
    Ok(())
}

/// Deletes counters whose window and lock have both passed, a batch at a time.
pub fn prune(conn: &mut DbConnection, policy: &LoginPolicy, now: DateTime<Utc>) -> Result<usize> {
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

#[cfg(test)]
mod tests {
    //! The lockout state machine, below HTTP. The test world locks an (account, IP) pair at
    //! 3 failures and the account at 5, for 15 minutes.

    use chrono::Duration;

    use super::*;
    use crate::service::testing::{World, client};

    /// One wrong password from `ip`: `Ok` with the locks it set, or `Err` when refused.
    fn fail(
        world: &mut World,
        ip: &str,
        owner: &AccountId,
    ) -> std::result::Result<Vec<NewLock>, i64> {
        let client = client(ip);
        let mut cx = world.at(&client);
        let guard = Guard::new(Credential::Password, owner, &cx.client.ip_key());
        match count(&mut cx, &guard).unwrap() {
            Counted::Allowed(ticket) => Ok(failed(&mut cx, &guard, ticket).unwrap()),
            Counted::Locked {
                retry_after_secs, ..
            } => Err(retry_after_secs),
        }
    }

    fn succeed(world: &mut World, ip: &str, owner: &AccountId) -> bool {
        let client = client(ip);
        let mut cx = world.at(&client);
        let guard = Guard::new(Credential::Password, owner, &cx.client.ip_key());
        match count(&mut cx, &guard).unwrap() {
            Counted::Allowed(_) => {
                succeeded(&mut cx, &guard).unwrap();
                true
            }
            Counted::Locked { .. } => false,
        }
    }

    fn scopes(locks: &[NewLock]) -> Vec<LockScope> {
        locks.iter().map(|l| l.scope).collect()
    }

    #[test]
    fn failures_from_one_address_lock_that_address_only_and_the_lock_is_reported_once() {
        let mut world = World::fresh();
        let ada = AccountId::generate();
        assert_eq!(scopes(&fail(&mut world, "198.51.100.7", &ada).unwrap()), []);
        assert_eq!(scopes(&fail(&mut world, "198.51.100.7", &ada).unwrap()), []);
        assert_eq!(
            scopes(&fail(&mut world, "198.51.100.7", &ada).unwrap()),
            [LockScope::Ip]
        );
        assert_eq!(fail(&mut world, "198.51.100.7", &ada), Err(15 * 60));
        assert_eq!(fail(&mut world, "198.51.100.7", &ada), Err(15 * 60));
        // Ada, elsewhere, is not locked out.
        assert!(succeed(&mut world, "203.0.113.9", &ada));
        // The lock ends when its time is up, and counting starts over.
        world.advance(Duration::minutes(15));
        assert_eq!(scopes(&fail(&mut world, "198.51.100.7", &ada).unwrap()), []);
    }

    #[test]
    fn failures_from_many_addresses_reach_the_account_backstop() {
        let mut world = World::fresh();
        let ada = AccountId::generate();
        for ip in ["10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2"] {
            assert_eq!(scopes(&fail(&mut world, ip, &ada).unwrap()), []);
        }
        assert_eq!(
            scopes(&fail(&mut world, "10.0.0.3", &ada).unwrap()),
            [LockScope::Account]
        );
        assert!(
            !succeed(&mut world, "203.0.113.9", &ada),
            "every address is locked"
        );
        assert!(fail(&mut world, "10.0.0.4", &ada).is_err());
        // A refusal by the backstop is not counted against the address: once the account
        // lock is over, 10.0.0.4 still has all its tries.
        world.advance(Duration::minutes(15));
        for _ in 0..2 {
            assert_eq!(scopes(&fail(&mut world, "10.0.0.4", &ada).unwrap()), []);
        }
    }

    #[test]
    fn a_success_forgives_its_address_but_not_the_failures_of_others() {
        let mut world = World::fresh();
        let ada = AccountId::generate();
        for ip in ["10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2"] {
            fail(&mut world, ip, &ada).unwrap();
        }
        assert!(succeed(&mut world, "10.0.0.1", &ada));
        // 10.0.0.1 starts over; the account still counts four failures.
        assert_eq!(
            scopes(&fail(&mut world, "10.0.0.1", &ada).unwrap()),
            [LockScope::Account]
        );
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let mut world = World::fresh();
        let ada = AccountId::generate();
        fail(&mut world, "10.0.0.1", &ada).unwrap();
        fail(&mut world, "10.0.0.1", &ada).unwrap();
        world.advance(Duration::minutes(16));
        assert_eq!(scopes(&fail(&mut world, "10.0.0.1", &ada).unwrap()), []);
        assert_eq!(scopes(&fail(&mut world, "10.0.0.1", &ada).unwrap()), []);
        assert_eq!(
            scopes(&fail(&mut world, "10.0.0.1", &ada).unwrap()),
            [LockScope::Ip]
        );
    }
}
