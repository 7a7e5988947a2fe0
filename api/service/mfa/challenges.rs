//! Login challenges: after a right password on an account with MFA, the second step. A
//! challenge lives 5 minutes, takes 5 wrong codes, and is used once. Its id is a random token
//! stored only as a digest.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{SecondFactor, usable_methods, use_second_factor};
use crate::crypto::sealing::Sealer;
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::{LoginChallengeRow, MfaFactorRow};
use crate::db::schema::login_challenges;
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;
use crate::service::accounts::{self, Account};
use crate::service::history::{self, Attempt};
use crate::service::sessions::{self, IssuedSession};
use crate::service::throttle::{self, Counted, Guard, Secret};
use crate::service::{ClientContext, Policies, audit, from_db, to_db};

pub const TOKEN_PREFIX: &str = "tsc_";
pub const LIFETIME_MINUTES: i64 = 5;
pub const MAX_WRONG_CODES: i32 = 5;

/// The second step of a login.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginChallenge {
    /// Pass to `POST /v1/auth/challenges/{id}/verify`. Keep it secret: it stands for a
    /// verified password.
    #[schema(example = "tsc_8Zq0…")]
    pub id: String,
    pub expires_at: DateTime<Utc>,
    /// Methods the code may be given with: `totp`, `recovery_code` (more may be added).
    #[schema(example = json!(["totp", "recovery_code"]))]
    pub methods: Vec<String>,
}

/// Opens a challenge for the owner of the active factor `totp`, whose password was just
/// verified. Call inside the login's write transaction.
pub fn open(
    conn: &mut DbConnection,
    totp: &MfaFactorRow,
    now: DateTime<Utc>,
) -> Result<LoginChallenge, ApiError> {
    let token = random_token(TOKEN_PREFIX);
    let expires_at = now + Duration::minutes(LIFETIME_MINUTES);
    diesel::insert_into(login_challenges::table)
        .values(&LoginChallengeRow {
            id_digest: token_digest(&token),
            account_id: totp.account_id.clone(),
            created_at: to_db(now),
            expires_at: to_db(expires_at),
            failed_attempts: 0,
            consumed_at: None,
        })
        .execute(conn)?;
    Ok(LoginChallenge {
        id: token,
        expires_at,
        methods: usable_methods(conn, totp)?,
    })
}

fn gone(code: &'static str, detail: &str) -> ApiError {
    ApiError::Gone {
        code,
        detail: detail.to_string(),
    }
}

/// Answers a challenge with a code. A right code ends the challenge and issues an aal2
/// session; a wrong one says how many tries are left.
#[allow(clippy::too_many_arguments)]
pub fn verify(
    conn: &mut DbConnection,
    sealer: &Sealer,
    policies: Policies<'_>,
    challenge_id: &str,
    method: SecondFactor,
    code: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(Account, IssuedSession), ApiError> {
    write_transaction(conn, |conn| {
        let digest = token_digest(challenge_id);
        let account_id: String = login_challenges::table
            .find(&digest)
            .select(login_challenges::account_id)
            .first(conn)
            .optional()?
            .ok_or(ApiError::NotFound)?;
        let guard = Guard::new(Secret::SecondFactor, &account_id, &client.ip_key());
        // Counted before the challenge is read: on PostgreSQL the count holds the counters'
        // row locks, so the row below is as the previous attempt left it and two wrong codes
        // sent at once cannot both see the same number of tries left. A 404/410 below rolls
        // the count back: only real guesses count.
        let counted = throttle::count(conn, policies.login, &guard, now)?;
        let challenge = login_challenges::table
            .find(&digest)
            .select(LoginChallengeRow::as_select())
            .first(conn)?;
        if challenge.consumed_at.is_some() {
            return Err(gone(
                "challenge_used",
                "This challenge was already answered; log in again.",
            ));
        }
        if challenge.failed_attempts >= MAX_WRONG_CODES {
            return Err(gone(
                "challenge_exhausted",
                "Too many wrong codes for this challenge; log in again.",
            ));
        }
        if from_db(challenge.expires_at) <= now {
            return Err(gone(
                "challenge_expired",
                "The challenge expired; log in again.",
            ));
        }
        let account = accounts::get(conn, &challenge.account_id)?;
        let attempt = |failure_reason| Attempt {
            account_id: Some(&account.id),
            email: &account.email,
            method: "password",
            failure_reason,
            mfa_method: Some(method.name()),
        };
        let ticket = match counted {
            Counted::Allowed(ticket) => ticket,
            Counted::Locked {
                retry_after_secs,
                new_lock,
            } => {
                audit::record_lock(
                    conn,
                    &account.id,
                    Secret::SecondFactor,
                    new_lock,
                    client,
                    now,
                )?;
                history::record(conn, attempt(Some("too_many_attempts")), client, now)?;
                return Ok(Err(ApiError::TooManyAttempts { retry_after_secs }));
            }
        };
        if use_second_factor(conn, sealer, &account.id, method, code, now)?.is_none() {
            diesel::update(login_challenges::table.find(&challenge.id_digest))
                .set(login_challenges::failed_attempts.eq(login_challenges::failed_attempts + 1))
                .execute(conn)?;
            let new_lock = throttle::failed(conn, policies.login, &guard, ticket, now)?;
            audit::record_lock(
                conn,
                &account.id,
                Secret::SecondFactor,
                new_lock,
                client,
                now,
            )?;
            history::record(conn, attempt(Some("invalid_code")), client, now)?;
            return Ok(Err(ApiError::InvalidCode {
                attempts_remaining: Some(MAX_WRONG_CODES - challenge.failed_attempts - 1),
            }));
        }
        // Claimed by the same statement that checks it was unclaimed: two concurrent right
        // answers cannot both get a session.
        let claimed = diesel::update(
            login_challenges::table
                .find(&challenge.id_digest)
                .filter(login_challenges::consumed_at.is_null()),
        )
        .set(login_challenges::consumed_at.eq(Some(to_db(now))))
        .execute(conn)?;
        if claimed != 1 {
            return Err(gone(
                "challenge_used",
                "This challenge was already answered; log in again.",
            ));
        }
        throttle::succeeded(conn, &guard)?;
        let session = sessions::issue(
            conn,
            policies.sessions,
            &account.id,
            "aal2",
            &["password", method.name()],
            client,
            now,
        )?;
        history::record(conn, attempt(None), client, now)?;
        Ok(Ok((Account::from(account), session)))
    })?
}

/// Ends the account's open challenges (a password change: they stand for the old password).
/// Returns how many ended.
pub fn end_open(
    conn: &mut DbConnection,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    Ok(diesel::update(
        login_challenges::table
            .filter(login_challenges::account_id.eq(account_id))
            .filter(login_challenges::consumed_at.is_null())
            .filter(login_challenges::expires_at.gt(to_db(now))),
    )
    .set(login_challenges::expires_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Deletes challenges that expired more than a day ago, in batches.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
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
