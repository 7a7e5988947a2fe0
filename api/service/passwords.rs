//! The password policy: 8 to 256 characters, and not guessable (zxcvbn's dictionaries of
//! common passwords, names and keyboard patterns, plus the account's own email), and the check
//! of the current password that guards sensitive changes.

use chrono::{DateTime, Utc};

use super::throttle::{self, Counted, Guard, Secret};
use super::{ClientContext, Keys, audit};
use crate::db::models::AccountRow;
use crate::db::{DbConnection, write_transaction};
use crate::error::{ApiError, FieldError};

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;
/// What any password field may carry at all. Longer ones are refused before anything else is
/// done with them: hashing a megabyte is a denial of service, not a login.
pub const MAX_BYTES: usize = 1024;

/// Refuses a password field over [`MAX_BYTES`] with 422, before any lookup or hash.
pub fn check_size(field: &str, password: &str) -> Result<(), ApiError> {
    if password.len() > MAX_BYTES {
        return Err(ApiError::Validation {
            errors: vec![FieldError::new(
                field,
                "too_long",
                format!("must be at most {MAX_BYTES} bytes"),
            )],
        });
    }
    Ok(())
}

pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<(), ApiError> {
    let fail = |code: &str, message: String| {
        Err(ApiError::Validation {
            errors: vec![FieldError::new(field, code, message)],
        })
    };
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return fail(
            "too_short",
            format!("must be at least {MIN_CHARS} characters"),
        );
    }
    if chars > MAX_CHARS {
        return fail(
            "too_long",
            format!("must be at most {MAX_CHARS} characters"),
        );
    }
    let local_part = email.split('@').next().unwrap_or_default();
    // The estimator's cost grows with the length: it never sees more than MAX_CHARS.
    let estimated: String = password.chars().take(MAX_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&estimated, &[email, local_part]);
    if (estimate.score() as u8) < 2 {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string())
            .unwrap_or_else(|| "This password is too easy to guess.".to_string());
        return fail(
            "too_common",
            format!("is too common or guessable: {reason}"),
        );
    }
    Ok(())
}

/// Checks the account's password given to confirm a change. Counted towards the password
/// lockouts before the check; a wrong one is committed as a failure and refused with 403
/// `reauthentication_failed` (the session stays valid). Run on the blocking pool with a
/// hashing permit: it verifies an argon2 hash.
pub fn verify_current(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    password: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Keys {
        hasher,
        sealer: _,
        policy,
    } = keys;
    let guard = Guard::new(Secret::Password, &account.id, &client.ip_key());
    let ticket = write_transaction(conn, |conn| {
        match throttle::count(conn, policy, &guard, now)? {
            Counted::Allowed(ticket) => Ok(Ok(ticket)),
            Counted::Locked {
                retry_after_secs,
                new_lock,
            } => {
                audit::record_lock(conn, &account.id, Secret::Password, new_lock, client, now)?;
                Ok(Err(ApiError::TooManyAttempts { retry_after_secs }))
            }
        }
    })??;
    if !hasher.verify(password, &account.password_hash).valid {
        write_transaction(conn, |conn| {
            let new_lock = throttle::failed(conn, policy, &guard, ticket, now)?;
            audit::record_lock(conn, &account.id, Secret::Password, new_lock, client, now)
        })?;
        return Err(ApiError::reauthentication_failed("password"));
    }
    write_transaction(conn, |conn| throttle::undo(conn, &guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_long_and_common_passwords() {
        let email = "ada@example.com";
        assert!(check_new_password("password", "short", email).is_err());
        assert!(check_new_password("password", &"x".repeat(257), email).is_err());
        assert!(check_new_password("password", "password123", email).is_err());
        assert!(check_new_password("password", "ada@example.com", email).is_err());
        assert!(check_new_password("password", "correct horse battery staple", email).is_ok());
    }
}
