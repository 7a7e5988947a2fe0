//! Password login.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::accounts::{Account, find_by_email, normalise_email};
use super::history::{self, Attempt};
use super::mfa::{
    self,
    challenges::{self, LoginChallenge},
};
use super::sessions::{self, IssuedSession};
use super::throttle::{self, Counted, Guard, NewLock, Secret};
use super::{ClientContext, Keys, SessionPolicy, audit};
use crate::db::schema::accounts;
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;

// Built once per login and moved straight into the response: the size difference between
// the variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum LoginOutcome {
    Authenticated {
        account: Account,
        session: IssuedSession,
    },
    /// The password was right; a second factor is needed to finish.
    MfaRequired { challenge: LoginChallenge },
}

/// Checks email and password. Unknown emails and wrong passwords cost the same time (a
/// dummy hash is verified) and give the same answer; both count towards the lockouts, per
/// (account, client IP) and per account.
pub fn password_login(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    sessions_policy: &SessionPolicy,
    email: &str,
    password: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, ApiError> {
    let email = normalise_email(email);
    let Keys {
        hasher,
        sealer,
        policy: login_policy,
    } = keys;
    let account = find_by_email(conn, &email)?;
    let account_id = account.as_ref().map(|a| a.id.clone());
    let ip_key = client.ip_key();
    let guard = match &account {
        Some(a) => Guard::new(Secret::Password, &a.id, &ip_key),
        None => Guard::for_unknown_email(sealer, &email, &ip_key),
    };
    let recorded_email = match &account {
        Some(_) => email.clone(),
        None => format!("digest:{}", throttle::email_digest(sealer, &email)),
    };
    let attempt = |failure_reason| Attempt {
        account_id: account_id.as_deref(),
        email: &recorded_email,
        method: "password",
        failure_reason,
        mfa_method: None,
    };
    let audit_lock = |conn: &mut DbConnection, new_locks: Vec<NewLock>| match &account_id {
        Some(id) => audit::record_lock(conn, id, Secret::Password, new_locks, client, now),
        None => Ok(()),
    };

    let ticket = write_transaction(conn, |conn| {
        match throttle::count(conn, login_policy, &guard, now)? {
            Counted::Allowed(ticket) => Ok(Ok(ticket)),
            Counted::Locked {
                retry_after_secs,
                new_lock,
            } => {
                audit_lock(conn, new_lock.into_iter().collect())?;
                history::record(conn, attempt(Some("too_many_attempts")), client, now)?;
                Ok(Err(ApiError::TooManyAttempts { retry_after_secs }))
            }
        }
    })??;

    let verification = match &account {
        Some(a) => hasher.verify(password, &a.password_hash),
        None => hasher.verify_dummy(password),
    };
    let Some(account) = account.filter(|_| verification.valid) else {
        write_transaction(conn, |conn| {
            let new_lock = throttle::failed(conn, login_policy, &guard, ticket, now)?;
            audit_lock(conn, new_lock)?;
            history::record(conn, attempt(Some("invalid_credentials")), client, now)
        })?;
        return Err(ApiError::InvalidCredentials);
    };

    let upgraded_hash = if verification.needs_rehash {
        Some(hasher.hash(password)?)
    } else {
        None
    };
    write_transaction(conn, |conn| {
        throttle::succeeded(conn, &guard)?;
        if let Some(hash) = &upgraded_hash {
            diesel::update(accounts::table.find(&account.id))
                .set(accounts::password_hash.eq(hash))
                .execute(conn)?;
        }
        if let Some(totp) = mfa::active_totp(conn, &account.id)? {
            return Ok(LoginOutcome::MfaRequired {
                challenge: challenges::open(conn, &totp, now)?,
            });
        }
        let session = sessions::issue(
            conn,
            sessions_policy,
            &account.id,
            "aal1",
            &["password"],
            client,
            now,
        )?;
        history::record(conn, attempt(None), client, now)?;
        Ok(LoginOutcome::Authenticated {
            account: Account::from(account.clone()),
            session,
        })
    })
}
