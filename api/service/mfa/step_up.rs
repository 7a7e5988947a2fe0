//! The second half of the proof a sensitive change asks for: a current code (the first half is
//! the password, `passwords::verify_current`). Both count towards their lockouts.

use chrono::{DateTime, Utc};

use super::{SecondFactor, mfa_subject, use_second_factor};
use crate::crypto::sealing::Sealer;
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;
use crate::service::LoginPolicy;
use crate::service::throttle::{self, Counted};

/// Within a write transaction: consumes a second-factor code (TOTP or recovery code, guessed
/// from its shape) and runs `then` with the method that accepted it. A wrong code is counted
/// towards the second-factor lockout and the transaction still commits that count.
pub fn with_second_factor<T>(
    conn: &mut DbConnection,
    sealer: &Sealer,
    policy: &LoginPolicy,
    account_id: &str,
    code: &str,
    now: DateTime<Utc>,
    then: impl FnOnce(&mut DbConnection, SecondFactor) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let subject = mfa_subject(account_id);
    write_transaction(conn, |conn| {
        let nth = match throttle::count_attempt(conn, policy, &subject, now)? {
            Counted::Allowed { nth } => nth,
            Counted::Locked { retry_after_secs } => {
                return Ok(Err(ApiError::TooManyAttempts { retry_after_secs }));
            }
        };
        let method = SecondFactor::guess(code);
        match use_second_factor(conn, sealer, account_id, method, code, now)? {
            Some(method) => {
                throttle::undo(conn, &subject)?;
                then(conn, method).map(Ok)
            }
            None => {
                throttle::failed(conn, policy, &subject, nth, now)?;
                Ok(Err(ApiError::InvalidCode {
                    attempts_remaining: None,
                }))
            }
        }
    })?
}
