//! The second half of the proof a sensitive change asks for: a current code (the first half is
//! the password, `passwords::verify_current`). Both count towards their lockouts.

use chrono::{DateTime, Utc};

use super::{SecondFactor, use_second_factor};
use crate::crypto::sealing::Sealer;
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;
use crate::service::throttle::{self, Counted, Guard, Secret};
use crate::service::{ClientContext, LoginPolicy, audit};

/// Within a write transaction: consumes a second-factor code (TOTP or recovery code, guessed
/// from its shape) and runs `then` with the method that accepted it. A wrong code is counted
/// towards the second-factor lockouts, the transaction still commits that count, and the
/// answer is 403 `reauthentication_failed` naming `code`.
#[allow(clippy::too_many_arguments)]
pub fn with_second_factor<T>(
    conn: &mut DbConnection,
    sealer: &Sealer,
    policy: &LoginPolicy,
    account_id: &str,
    code: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
    then: impl FnOnce(&mut DbConnection, SecondFactor) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let guard = Guard::new(Secret::SecondFactor, account_id, &client.ip_key());
    write_transaction(conn, |conn| {
        let ticket = match throttle::count(conn, policy, &guard, now)? {
            Counted::Allowed(ticket) => ticket,
            Counted::Locked {
                retry_after_secs,
                new_lock,
            } => {
                audit::record_lock(
                    conn,
                    account_id,
                    Secret::SecondFactor,
                    new_lock,
                    client,
                    now,
                )?;
                return Ok(Err(ApiError::TooManyAttempts { retry_after_secs }));
            }
        };
        let method = SecondFactor::guess(code);
        match use_second_factor(conn, sealer, account_id, method, code, now)? {
            Some(method) => {
                throttle::undo(conn, &guard)?;
                then(conn, method).map(Ok)
            }
            None => {
                let new_lock = throttle::failed(conn, policy, &guard, ticket, now)?;
                audit::record_lock(
                    conn,
                    account_id,
                    Secret::SecondFactor,
                    new_lock,
                    client,
                    now,
                )?;
                Ok(Err(ApiError::reauthentication_failed("code")))
            }
        }
    })?
}
