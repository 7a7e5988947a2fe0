//! Multi-factor authentication: TOTP factors, recovery codes, login challenges, and the
//! password-plus-code check that guards sensitive changes.

pub mod challenges;
pub mod factors;
pub mod recovery_codes;
pub mod step_up;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::crypto::sealing::Sealer;
use crate::crypto::totp::{self, TotpParams};
use crate::db::DbConnection;
use crate::db::models::MfaFactorRow;
use crate::db::schema::mfa_factors;
use crate::db::schema::recovery_codes as recovery_code_rows;
use crate::error::ApiError;

use super::to_db;

pub const TOTP: &str = "totp";
pub const RECOVERY_CODE: &str = "recovery_code";
pub const ACTIVE: &str = "active";
pub const PENDING: &str = "pending";

/// A second-factor method a code can be checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    Totp,
    RecoveryCode,
}

impl SecondFactor {
    pub fn name(self) -> &'static str {
        match self {
            SecondFactor::Totp => TOTP,
            SecondFactor::RecoveryCode => RECOVERY_CODE,
        }
    }

    /// Six digits is an authenticator code; anything else is taken as a recovery code.
    pub fn guess(code: &str) -> Self {
        let code = code.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            SecondFactor::Totp
        } else {
            SecondFactor::RecoveryCode
        }
    }
}

/// Refuses a code field that cannot be any code (empty, or longer than any recovery code may be
/// typed), with 422, as the spec's 1..=64 characters state.
pub fn check_code_shape(field: &str, code: &str) -> Result<(), ApiError> {
    let length = code.chars().count();
    if (1..=64).contains(&length) {
        return Ok(());
    }
    Err(ApiError::Validation {
        errors: vec![crate::error::FieldError::new(
            field,
            "invalid_length",
            "must be 1 to 64 characters",
        )],
    })
}

/// The account's active TOTP factor, if any.
pub fn active_totp(
    conn: &mut DbConnection,
    account_id: &str,
) -> Result<Option<MfaFactorRow>, ApiError> {
    Ok(mfa_factors::table
        .filter(mfa_factors::account_id.eq(account_id))
        .filter(mfa_factors::kind.eq(TOTP))
        .filter(mfa_factors::status.eq(ACTIVE))
        .select(MfaFactorRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn factor_aad(factor_id: &str) -> String {
    format!("mfa_factor:{factor_id}")
}

pub fn open_secret(
    sealer: &Sealer,
    factor: &MfaFactorRow,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ApiError> {
    sealer.open(
        &factor.key_id,
        &factor.secret_ciphertext,
        &factor_aad(&factor.id),
    )
}

pub fn params_of(factor: &MfaFactorRow) -> TotpParams {
    TotpParams {
        digits: factor.digits as u32,
        period: factor.period as u64,
    }
}

/// Checks `code` as a TOTP code of `factor`; on success records its time step as used, so the
/// same code (or an older one) is refused from then on. The conditional update makes two
/// concurrent uses of one code succeed at most once. A secret sealed under an older key is
/// re-sealed under the active one on the way.
pub fn use_totp_code(
    conn: &mut DbConnection,
    sealer: &Sealer,
    factor: &MfaFactorRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let secret = open_secret(sealer, factor)?;
    let Some(step) = totp::verify(
        &secret,
        code,
        now.timestamp(),
        factor.last_used_step,
        params_of(factor),
    ) else {
        return Ok(false);
    };
    let claimed = diesel::update(
        mfa_factors::table.find(&factor.id).filter(
            mfa_factors::last_used_step
                .is_null()
                .or(mfa_factors::last_used_step.lt(step)),
        ),
    )
    .set((
        mfa_factors::last_used_step.eq(Some(step)),
        mfa_factors::last_used_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    if claimed == 1 && !sealer.is_active(&factor.key_id) {
        reseal_secret(conn, sealer, factor, &secret)?;
    }
    Ok(claimed == 1)
}

/// Seals the factor's secret under the active key.
pub fn reseal_secret(
    conn: &mut DbConnection,
    sealer: &Sealer,
    factor: &MfaFactorRow,
    secret: &[u8],
) -> Result<(), ApiError> {
    let sealed = sealer.seal(secret, &factor_aad(&factor.id))?;
    diesel::update(mfa_factors::table.find(&factor.id))
        .set((
            mfa_factors::secret_ciphertext.eq(sealed.ciphertext),
            mfa_factors::key_id.eq(sealed.key_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Checks a second-factor code for the account and consumes it (TOTP step or recovery code).
/// Returns the method that accepted it, or `None` when the code is wrong or used.
pub fn use_second_factor(
    conn: &mut DbConnection,
    sealer: &Sealer,
    account_id: &str,
    method: SecondFactor,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<SecondFactor>, ApiError> {
    let accepted = match method {
        SecondFactor::Totp => match active_totp(conn, account_id)? {
            Some(factor) => use_totp_code(conn, sealer, &factor, code, now)?,
            None => false,
        },
        SecondFactor::RecoveryCode => {
            recovery_codes::use_code(conn, sealer, account_id, code, now)?
        }
    };
    Ok(accepted.then_some(method))
}

/// The methods a login challenge can be answered with, for the owner of `totp` (an active
/// factor the caller has just found): the authenticator, and recovery codes while any are left.
pub fn usable_methods(
    conn: &mut DbConnection,
    totp: &MfaFactorRow,
) -> Result<Vec<String>, ApiError> {
    let mut methods = vec![TOTP.to_string()];
    let unused: i64 = recovery_code_rows::table
        .filter(recovery_code_rows::account_id.eq(&totp.account_id))
        .filter(recovery_code_rows::used_at.is_null())
        .count()
        .get_result(conn)?;
    if unused > 0 {
        methods.push(RECOVERY_CODE.to_string());
    }
    Ok(methods)
}
