//! The password policy: 8 to 256 characters, and not guessable (zxcvbn's dictionaries of
//! common passwords, names and keyboard patterns, plus the account's own email), and the check
//! of the current password that guards sensitive changes.

use chrono::{DateTime, Utc};

use super::Keys;
use super::throttle::{self, Counted};
use crate::db::models::AccountRow;
use crate::db::{DbConnection, write_transaction};
use crate::error::{ApiError, FieldError};

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;

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
    let estimate = zxcvbn::zxcvbn(password, &[email, local_part]);
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

/// Checks the account's password; a wrong one is recorded (and committed) before refusing.
/// Run on the blocking pool with a hashing permit: it verifies an argon2 hash.
pub fn verify_current(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Keys {
        hasher,
        sealer,
        policy,
    } = keys;
    let subject = throttle::password_subject(sealer, &account.email);
    let nth = match write_transaction(conn, |conn| {
        throttle::count_attempt(conn, policy, &subject, now)
    })? {
        Counted::Allowed { nth } => nth,
        Counted::Locked { retry_after_secs } => {
            return Err(ApiError::TooManyAttempts { retry_after_secs });
        }
    };
    if !hasher.verify(password, &account.password_hash).valid {
        write_transaction(conn, |conn| {
            throttle::failed(conn, policy, &subject, nth, now)
        })?;
        return Err(ApiError::InvalidCredentials);
    }
    write_transaction(conn, |conn| throttle::undo(conn, &subject))
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
