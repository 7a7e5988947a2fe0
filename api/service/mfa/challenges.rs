//! Login challenges: after a right password on an account with MFA, the second step. A
//! challenge lives 5 minutes, takes 5 wrong codes, and is used once. Its id is a random token
//! stored only as a digest.
//!
//! ```text
//!   open ──right code──▶ used (a session is issued)
//!    │ └─wrong code (< 5)─▶ open
//!    ├─5th wrong code──▶ exhausted
//!    └─5 minutes, or a password change──▶ expired
//! ```

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::sent_codes::{self, Purpose, SentCode};
use super::tickets;
use super::{SecondFactor, usable_methods, use_second_factor};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::LoginChallengeRow;
use crate::db::schema::login_challenges;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{self, Account};
use crate::service::alerts;
use crate::service::context::{Context, Decision, Tx};
use crate::service::error::{Error, FieldError, Result};
use crate::service::history::{self, Attempt, FailureReason, LoginMethod};
use crate::service::ids::AccountId;
use crate::service::login::LoginOutcome;
use crate::service::operators;
use crate::service::secret::Secret;
use crate::service::sessions::{self, Aal};
use crate::service::throttle::{self, Credential, Guard};

pub const TOKEN_PREFIX: &str = "tsc_";
pub const LIFETIME_MINUTES: i64 = 5;
pub const MAX_WRONG_CODES: i32 = 5;

/// A challenge's id: a random token that stands for a verified password, so a secret.
#[derive(Debug, Clone)]
pub struct ChallengeId(Secret);

impl ChallengeId {
    fn generate() -> Self {
        ChallengeId(Secret::new(random_token(TOKEN_PREFIX)))
    }

    /// What the database keeps of it.
    fn digest(&self) -> String {
        token_digest(self.0.expose())
    }
}

impl From<String> for ChallengeId {
    fn from(token: String) -> Self {
        ChallengeId(Secret::new(token))
    }
}

impl From<ChallengeId> for Secret {
    fn from(id: ChallengeId) -> Self {
        id.0
    }
}

/// The second step of a login.
#[derive(Debug, Clone)]
pub struct LoginChallenge {
    /// Pass to `POST /v1/auth/challenges/{id}/verify`. Keep it secret: it stands for a
    /// verified password.
    pub id: ChallengeId,
    pub expires_at: DateTime<Utc>,
    /// Methods the code may be given with: `totp`, `recovery_code` (more may be added).
    pub methods: Vec<String>,
}

/// Opens a challenge for an account with an active factor whose first step (`first`: the
/// password, or a sign-in at the organisation's identity provider) was just made. Call inside
/// the login's write transaction.
pub fn open(cx: &mut Tx<'_>, account_id: &AccountId, first: LoginMethod) -> Result<LoginChallenge> {
    let id = ChallengeId::generate();
    let expires_at = cx.now + Duration::minutes(LIFETIME_MINUTES);
    diesel::insert_into(login_challenges::table)
        .values(&LoginChallengeRow {
            id_digest: id.digest(),
            account_id: account_id.to_string(),
            created_at: to_db(cx.now),
            expires_at: to_db(expires_at),
            failed_attempts: 0,
            consumed_at: None,
            device_digest: alerts::client_device(cx, account_id),
            first_factor: first.name().to_string(),
        })
        .execute(cx.conn)?;
    let channels = &cx.env.channels;
    Ok(LoginChallenge {
        id,
        expires_at,
        methods: usable_methods(cx.conn, channels, account_id)?,
    })
}

/// Why a challenge can no longer be answered, if it cannot.
fn closed(challenge: &LoginChallengeRow, now: DateTime<Utc>) -> Option<Error> {
    if challenge.consumed_at.is_some() {
        return Some(Error::denied_because(
            ErrorCode::ChallengeUsed,
            "This challenge was already answered; log in again.",
        ));
    }
    if challenge.failed_attempts >= MAX_WRONG_CODES {
        return Some(Error::denied_because(
            ErrorCode::ChallengeExhausted,
            "Too many wrong codes for this challenge; log in again.",
        ));
    }
    if from_db(challenge.expires_at) <= now {
        return Some(Error::denied_because(
            ErrorCode::ChallengeExpired,
            "The challenge expired; log in again.",
        ));
    }
    None
}

/// Answers a challenge with a code. A right code ends the challenge and issues an aal2
/// session — or, when an organisation's deadline has passed and none of the account's factors
/// is one it accepts (`allowed_methods`), an enrolment ticket for one it does. A wrong code
/// says how many tries are left.
pub fn verify(
    cx: &mut Context<'_>,
    challenge_id: &ChallengeId,
    method: SecondFactor,
    code: &Secret,
) -> Result<LoginOutcome> {
    let digest = challenge_id.digest();
    cx.decide(|cx| {
        let account_id: String = login_challenges::table
            .find(&digest)
            .select(login_challenges::account_id)
            .first(cx.conn)
            .optional()?
            .ok_or_else(|| Error::denied(ErrorCode::NotFound))?;
        let account_id = AccountId::from(account_id);
        let guard = Guard::new(Credential::SecondFactor, &account_id, &cx.client.ip_key());
        // Counted before the challenge is read: on PostgreSQL the count holds the counters'
        // row locks, so the row below is as the previous attempt left it and two wrong codes
        // sent at once cannot both see the same number of tries left. A 404/410 below rolls
        // the count back with the transaction: only real guesses count.
        let admitted = throttle::admit(cx, &guard)?;
        let challenge = login_challenges::table
            .find(&digest)
            .select(LoginChallengeRow::as_select())
            .first(cx.conn)?;
        if let Some(closed) = closed(&challenge, cx.now) {
            return Err(closed);
        }
        let account = accounts::get(cx.conn, &account_id)?;
        let first = LoginMethod::parse(&challenge.first_factor);
        let attempt = |failure| Attempt {
            account_id: Some(&account_id),
            email: &account.email,
            method: first,
            failure,
            second_factor: Some(method),
        };
        let ticket = match admitted {
            Decision::Done(ticket) => ticket,
            Decision::Refused(locked) => {
                history::record(cx, attempt(Some(FailureReason::TooManyAttempts)))?;
                return Ok(Decision::Refused(locked));
            }
        };
        if use_second_factor(cx, &account_id, method, code, Purpose::Login)?.is_none() {
            diesel::update(login_challenges::table.find(&digest))
                .set(login_challenges::failed_attempts.eq(login_challenges::failed_attempts + 1))
                .execute(cx.conn)?;
            throttle::reject(cx, &guard, ticket)?;
            history::record(cx, attempt(Some(FailureReason::InvalidCode)))?;
            let remaining = MAX_WRONG_CODES - challenge.failed_attempts - 1;
            return Ok(Decision::Refused(
                Error::denied(ErrorCode::InvalidCode)
                    .with(|d| d.attempts_remaining = Some(remaining)),
            ));
        }
        // Claimed by the same statement that checks it was unclaimed: two concurrent right
        // answers cannot both get a session.
        let claimed = diesel::update(
            login_challenges::table
                .find(&digest)
                .filter(login_challenges::consumed_at.is_null()),
        )
        .set(login_challenges::consumed_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?;
        if claimed != 1 {
            return Err(Error::denied_because(
                ErrorCode::ChallengeUsed,
                "This challenge was already answered; log in again.",
            ));
        }
        throttle::succeeded(cx, &guard)?;
        if let Err(frozen) = operators::refuse_if_frozen(&account) {
            history::record(cx, attempt(Some(FailureReason::AccountFrozen)))?;
            return Ok(Decision::Refused(frozen));
        }
        let deadline = crate::service::orgs::policy::enrollment_deadline(cx.conn, &account_id)?;
        if deadline.is_some_and(|deadline| deadline <= cx.now) {
            let enrollment = tickets::issue_after(cx, &account_id, first, Some(method))?;
            return Ok(Decision::Done(LoginOutcome::MfaEnrollmentRequired {
                enrollment,
            }));
        }
        let sign_in = sessions::SignIn {
            aal: Aal::Aal2,
            first,
            second_factor: Some(method),
            mfa_enrollment_deadline: deadline,
            idp_amr: None,
        };
        let session = sessions::issue_signed_in(cx, &account_id, sign_in)?;
        history::record(cx, attempt(None))?;
        // The device that answers, or else the one that opened the challenge.
        let device = alerts::client_device(cx, &account_id).or(challenge.device_digest.clone());
        alerts::signed_in(cx, &account_id, &account.email, device.as_deref())?;
        Ok(Decision::Done(LoginOutcome::Authenticated {
            account: Account::from(account.clone()),
            session,
        }))
    })
}

/// Sends a code for the challenge by SMS or WhatsApp (`method`), to the account's factor of
/// that kind: 422 when the challenge does not offer the method, 429 within the cooldown or
/// past the hourly cap.
pub fn deliver(
    cx: &mut Context<'_>,
    challenge_id: &ChallengeId,
    method: SecondFactor,
) -> Result<SentCode> {
    let digest = challenge_id.digest();
    cx.transaction(|cx| {
        let challenge = login_challenges::table
            .find(&digest)
            .select(LoginChallengeRow::as_select())
            .first(cx.conn)
            .optional()?
            .ok_or_else(|| Error::denied(ErrorCode::NotFound))?;
        if let Some(closed) = closed(&challenge, cx.now) {
            return Err(closed);
        }
        let not_offered = || {
            Error::invalid(vec![FieldError::new(
                "method",
                "not_offered",
                "codes are sent only for the `sms` or `whatsapp` methods this challenge offers",
            )])
        };
        let kind = method
            .factor_type()
            .filter(|kind| kind.is_sent() && cx.env.channels.offers(*kind))
            .ok_or_else(not_offered)?;
        let account_id = AccountId::from(challenge.account_id);
        accounts::lock(cx.conn, &account_id)?;
        let destination =
            sent_codes::Destination::of(cx.conn, &account_id, kind)?.ok_or_else(not_offered)?;
        sent_codes::send(cx, destination.target(&account_id), Purpose::Login)
    })
}

/// Ends the account's open challenges (a password change: they stand for the old password).
/// Returns how many ended.
pub fn end_open(cx: &mut Context<'_>, account_id: &AccountId) -> Result<usize> {
    Ok(diesel::update(
        login_challenges::table
            .filter(login_challenges::account_id.eq(account_id.as_str()))
            .filter(login_challenges::consumed_at.is_null())
            .filter(login_challenges::expires_at.gt(to_db(cx.now))),
    )
    .set(login_challenges::expires_at.eq(to_db(cx.now)))
    .execute(cx.conn)?)
}

/// Deletes challenges that expired more than a day ago, in batches.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    use crate::service::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - Duration::days(1));
    in_batches(|| {
        let batch: Vec<String> = login_challenges::table
            .filter(login_challenges::expires_at.lt(cutoff))
            .select(login_challenges::id_digest)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(diesel::delete(
            login_challenges::table.filter(login_challenges::id_digest.eq_any(&batch)),
        )
        .execute(conn)?)
    })
}

#[cfg(test)]
mod tests {
    //! The challenge state machine, below HTTP.

    use chrono::Duration;

    use super::*;
    use crate::crypto::totp::{self, TotpParams};
    use crate::service::accounts::{self, SignUp};
    use crate::service::mfa::enrolment;
    use crate::service::mfa::tickets::Enroller;
    use crate::service::sessions::{Caller, IssuedSession};
    use crate::service::testing::{World, client};

    /// A world with the default lockouts (10 per address), so a challenge's own limit of 5
    /// is what a test meets.
    fn world() -> World {
        let mut world = World::fresh();
        world.env.login.lockout_threshold = 10;
        world.env.login.account_lockout_threshold = 100;
        world
    }

    /// An account with an active authenticator; returns it and the authenticator's secret.
    fn account_with_mfa(world: &mut World) -> (AccountId, Vec<u8>) {
        let client = client("203.0.113.9");
        let mut cx = world.at(&client);
        let (account, session) = accounts::sign_up(
            &mut cx,
            SignUp {
                email: "ada@example.com".into(),
                password: Secret::new("correct horse battery staple"),
                display_name: None,
            },
        )
        .unwrap();
        let caller = Enroller::Session(Caller {
            account: account.clone(),
            session_id: session.expect("a session").session.id,
            aal: Aal::Aal1,
        });
        let confirmation = crate::service::mfa::step_up::Confirmation {
            password: Some(Secret::new("correct horse battery staple")),
            code: None,
        };
        let enrolment = enrolment::start_totp(&mut cx, &caller, confirmation).unwrap();
        let secret = totp::decode_secret(enrolment.secret.expose()).unwrap();
        let code = Secret::new(code_at(&secret, cx.now));
        enrolment::activate(&mut cx, &caller, &enrolment.factor_id, &code).unwrap();
        (account.id, secret)
    }

    fn code_at(secret: &[u8], now: DateTime<Utc>) -> String {
        let params = TotpParams::authenticator_app();
        totp::code_at_step(secret, totp::time_step(now.timestamp(), params), params)
    }

    fn answer(world: &mut World, id: &ChallengeId, code: &str) -> Result<(Account, IssuedSession)> {
        let client = client("203.0.113.9");
        let mut cx = world.at(&client);
        match verify(&mut cx, id, SecondFactor::Totp, &Secret::new(code))? {
            LoginOutcome::Authenticated { account, session } => Ok((account, session)),
            _ => panic!("a session"),
        }
    }

    fn open_one(world: &mut World, account_id: &AccountId) -> ChallengeId {
        let client = client("203.0.113.9");
        let mut cx = world.at(&client);
        cx.transaction(|cx| open(cx, account_id, LoginMethod::Password))
            .unwrap()
            .id
    }

    fn refusal(result: Result<(Account, IssuedSession)>) -> (ErrorCode, Option<i32>) {
        let error = result.expect_err("a refusal");
        (
            error.code(),
            error.denial().and_then(|d| d.attempts_remaining),
        )
    }

    #[test]
    fn five_wrong_codes_exhaust_a_challenge_and_the_right_one_then_comes_too_late() {
        let mut world = world();
        let (ada, secret) = account_with_mfa(&mut world);
        world.advance(Duration::seconds(30));
        let id = open_one(&mut world, &ada);
        for remaining in (0..5).rev() {
            assert_eq!(
                refusal(answer(&mut world, &id, "000000")),
                (ErrorCode::InvalidCode, Some(remaining))
            );
        }
        let right = code_at(&secret, world.now);
        assert_eq!(
            refusal(answer(&mut world, &id, &right)).0,
            ErrorCode::ChallengeExhausted
        );
    }

    #[test]
    fn a_right_code_issues_an_aal2_session_once() {
        let mut world = world();
        let (ada, secret) = account_with_mfa(&mut world);
        world.advance(Duration::seconds(30));
        let id = open_one(&mut world, &ada);
        let right = code_at(&secret, world.now);
        let (account, issued) = answer(&mut world, &id, &right).unwrap();
        assert_eq!(account.id, ada);
        assert_eq!(issued.session.aal, Aal::Aal2);
        assert_eq!(issued.session.methods, ["password", "totp"]);
        world.advance(Duration::seconds(30));
        let next = code_at(&secret, world.now);
        assert_eq!(
            refusal(answer(&mut world, &id, &next)).0,
            ErrorCode::ChallengeUsed
        );
    }

    #[test]
    fn a_challenge_expires_after_five_minutes_and_unknown_ones_are_not_found() {
        let mut world = world();
        let (ada, secret) = account_with_mfa(&mut world);
        let id = open_one(&mut world, &ada);
        world.advance(Duration::minutes(LIFETIME_MINUTES));
        let right = code_at(&secret, world.now);
        assert_eq!(
            refusal(answer(&mut world, &id, &right)).0,
            ErrorCode::ChallengeExpired
        );
        let unknown = ChallengeId::from("tsc_nope".to_string());
        assert_eq!(
            refusal(answer(&mut world, &unknown, &right)).0,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn ending_the_open_challenges_closes_them() {
        let mut world = world();
        let (ada, secret) = account_with_mfa(&mut world);
        world.advance(Duration::seconds(30));
        let id = open_one(&mut world, &ada);
        let client = client("203.0.113.9");
        assert_eq!(end_open(&mut world.at(&client), &ada).unwrap(), 1);
        let right = code_at(&secret, world.now);
        assert_eq!(
            refusal(answer(&mut world, &id, &right)).0,
            ErrorCode::ChallengeExpired
        );
    }
}
