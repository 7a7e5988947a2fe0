//! TOTP factors: enrolment (pending until one code is proven), activation, status, disabling.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::recovery_codes::{self, RecoveryCodeSummary, RecoveryCodes};
use super::{ACTIVE, PENDING, SecondFactor, TOTP, active_totp, factor_aad, step_up, use_totp_code};
use crate::crypto::totp::{self, TotpParams};
use crate::db::models::{AccountRow, MfaFactorRow, SessionRow};
use crate::db::schema::mfa_factors;
use crate::db::{DbConnection, write_transaction};
use crate::error::ApiError;
use crate::service::audit::{self, AuditAction};
use crate::service::throttle::{self, Counted, Guard, Secret};
use crate::service::{
    ClientContext, Keys, SessionPolicy, accounts, from_db, new_id, passwords, sessions, to_db,
};

pub const PENDING_LIFETIME_MINUTES: i64 = 10;
/// Wrong codes a pending factor takes before it dies.
pub const MAX_WRONG_ACTIVATION_CODES: i32 = 5;

/// What the user needs to add the account to an authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Pass to the activate call with the first code the app shows.
    pub factor_id: String,
    /// The secret for manual entry: base32, no padding, 160 bits.
    #[schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: String,
    #[schema(
        example = "otpauth://totp/Tessera:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Tessera&algorithm=SHA1&digits=6&period=30"
    )]
    pub otpauth_uri: String,
    /// The `otpauth_uri` as an SVG QR code.
    pub qr_svg: String,
    /// The same QR code as a `data:image/png;base64,…` URI.
    pub qr_png: String,
    /// The pending factor is discarded if not activated by then.
    pub expires_at: DateTime<Utc>,
}

/// A second factor of the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Factor {
    pub id: String,
    /// `totp` (more types may be added).
    #[serde(rename = "type")]
    #[schema(example = "totp")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<MfaFactorRow> for Factor {
    fn from(row: MfaFactorRow) -> Self {
        Factor {
            id: row.id,
            kind: row.kind,
            created_at: from_db(row.created_at),
            activated_at: row.activated_at.map(from_db),
            last_used_at: row.last_used_at.map(from_db),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Activation {
    pub factor: Factor,
    /// A fresh set of recovery codes when this is the account's first factor; shown only here.
    pub recovery_codes: Option<RecoveryCodes>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MfaStatus {
    /// True when at least one factor is active: login asks for a second factor.
    pub enabled: bool,
    pub factors: Vec<Factor>,
    /// Null when the account has no recovery codes.
    pub recovery_codes: Option<RecoveryCodeSummary>,
}

fn otpauth_uri(issuer: &str, email: &str, secret: &str, params: TotpParams) -> String {
    let issuer = utf8_percent_encode(issuer, NON_ALPHANUMERIC).to_string();
    let email = utf8_percent_encode(email, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{issuer}:{email}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={}&period={}",
        params.digits, params.period
    )
}

fn qr_codes(uri: &str) -> Result<(String, String), ApiError> {
    use base64::Engine;
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(ApiError::internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let image = code
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(ApiError::internal)?;
    let png = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    );
    Ok((svg, png))
}

fn totp_already_active() -> ApiError {
    ApiError::Conflict {
        code: "totp_already_active",
        detail: "The account already has an active authenticator; disable it first.".into(),
    }
}

/// Starts TOTP enrolment after the password is re-entered: a pending factor with a new secret.
/// An earlier pending enrolment of the account is discarded.
pub fn start_totp(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    issuer: &str,
    account: &AccountRow,
    password: &str,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<TotpEnrolment, ApiError> {
    passwords::verify_current(conn, keys, account, password, client, now)?;
    let params = TotpParams::default();
    let secret = totp::generate_secret();
    let factor_id = new_id();
    let sealed = keys.sealer.seal(&secret, &factor_aad(&factor_id))?;
    let expires_at = now + Duration::minutes(PENDING_LIFETIME_MINUTES);
    write_transaction(conn, |conn| {
        // Two enrolments at once must not leave two pending factors behind.
        accounts::lock(conn, &account.id)?;
        if active_totp(conn, &account.id)?.is_some() {
            return Err(totp_already_active());
        }
        diesel::delete(
            mfa_factors::table
                .filter(mfa_factors::account_id.eq(&account.id))
                .filter(mfa_factors::status.eq(PENDING)),
        )
        .execute(conn)?;
        diesel::insert_into(mfa_factors::table)
            .values(&MfaFactorRow {
                id: factor_id.clone(),
                account_id: account.id.clone(),
                kind: TOTP.into(),
                status: PENDING.into(),
                secret_ciphertext: sealed.ciphertext,
                key_id: sealed.key_id,
                digits: params.digits as i32,
                period: params.period as i32,
                last_used_step: None,
                created_at: to_db(now),
                expires_at: Some(to_db(expires_at)),
                activated_at: None,
                last_used_at: None,
                failed_attempts: 0,
            })
            .execute(conn)?;
        Ok(())
    })?;
    let secret = totp::encode_secret(&secret);
    let otpauth_uri = otpauth_uri(issuer, &account.email, &secret, params);
    let (qr_svg, qr_png) = qr_codes(&otpauth_uri)?;
    Ok(TotpEnrolment {
        factor_id,
        secret,
        otpauth_uri,
        qr_svg,
        qr_png,
        expires_at,
    })
}

/// A code from a pending factor, given to activate it.
pub struct FactorProof<'a> {
    pub factor_id: &'a str,
    pub code: &'a str,
}

/// Activates a pending factor once the user proves one code from it. The account's first
/// factor comes with a fresh set of recovery codes. With MFA on, the account's other sessions
/// (signed in with the password alone) end, and the activating one becomes `aal2`.
///
/// Wrong codes count towards the second-factor lockouts, and the fifth kills the pending
/// factor: enrolment starts over.
pub fn activate(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    sessions_policy: &SessionPolicy,
    current: &SessionRow,
    proof: FactorProof<'_>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<Activation, ApiError> {
    let FactorProof { factor_id, code } = proof;
    let account_id = current.account_id.as_str();
    let guard = Guard::new(Secret::SecondFactor, account_id, &client.ip_key());
    write_transaction(conn, |conn| {
        // Counted first, as at login; an answer other than a checked code (404, 409, 410)
        // rolls the count back with the transaction.
        let counted = throttle::count(conn, keys.policy, &guard, now)?;
        accounts::lock(conn, account_id)?;
        let factor = mfa_factors::table
            .find(factor_id)
            .filter(mfa_factors::account_id.eq(account_id))
            .select(MfaFactorRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(ApiError::NotFound)?;
        if factor.status == ACTIVE {
            return Err(ApiError::Conflict {
                code: "factor_already_active",
                detail: "This factor is already active.".into(),
            });
        }
        if factor.expires_at.is_some_and(|at| from_db(at) <= now) {
            return Err(ApiError::Gone {
                code: "factor_expired",
                detail: format!(
                    "Pending factors must be activated within {PENDING_LIFETIME_MINUTES} minutes; start again."
                ),
            });
        }
        if factor.failed_attempts >= MAX_WRONG_ACTIVATION_CODES {
            return Err(ApiError::Gone {
                code: "factor_exhausted",
                detail: "Too many wrong codes for this pending factor; start the enrolment again."
                    .into(),
            });
        }
        if active_totp(conn, account_id)?.is_some() {
            return Err(totp_already_active());
        }
        let ticket = match counted {
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
        if !use_totp_code(conn, keys.sealer, &factor, code, now)? {
            diesel::update(mfa_factors::table.find(factor_id))
                .set(mfa_factors::failed_attempts.eq(mfa_factors::failed_attempts + 1))
                .execute(conn)?;
            let new_lock = throttle::failed(conn, keys.policy, &guard, ticket, now)?;
            audit::record_lock(
                conn,
                account_id,
                Secret::SecondFactor,
                new_lock,
                client,
                now,
            )?;
            return Ok(Err(ApiError::CodeRejected {
                attempts_remaining: Some(MAX_WRONG_ACTIVATION_CODES - factor.failed_attempts - 1),
            }));
        }
        throttle::undo(conn, &guard)?;
        let had_codes = recovery_codes::summary(conn, account_id)?.is_some();
        diesel::update(mfa_factors::table.find(factor_id))
            .set((
                mfa_factors::status.eq(ACTIVE),
                mfa_factors::activated_at.eq(Some(to_db(now))),
                mfa_factors::expires_at.eq(None::<chrono::NaiveDateTime>),
                mfa_factors::failed_attempts.eq(0),
            ))
            .execute(conn)?;
        let codes = if had_codes {
            None
        } else {
            Some(recovery_codes::replace_set(
                conn,
                keys.sealer,
                account_id,
                now,
            )?)
        };
        audit::record(
            conn,
            account_id,
            AuditAction::MfaEnabled,
            Some(json!({"factor_id": factor_id, "type": TOTP})),
            client,
            now,
        )?;
        // The other sessions proved only the password: with MFA on, they must sign in again.
        let revoked =
            sessions::revoke_all_except(conn, sessions_policy, account_id, Some(&current.id), now)?;
        sessions::raise_to_aal2(conn, &current.id, TOTP)?;
        audit::record(
            conn,
            account_id,
            AuditAction::SessionsRevokedOthers,
            Some(json!({"revoked": revoked, "reason": "mfa_enabled"})),
            client,
            now,
        )?;
        let factor = mfa_factors::table
            .find(factor_id)
            .select(MfaFactorRow::as_select())
            .first(conn)?;
        Ok(Ok(Activation {
            factor: factor.into(),
            recovery_codes: codes,
        }))
    })?
}

pub fn status(conn: &mut DbConnection, account_id: &str) -> Result<MfaStatus, ApiError> {
    let factors: Vec<Factor> = mfa_factors::table
        .filter(mfa_factors::account_id.eq(account_id))
        .filter(mfa_factors::status.eq(ACTIVE))
        .order(mfa_factors::created_at.asc())
        .select(MfaFactorRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Factor::from)
        .collect();
    Ok(MfaStatus {
        enabled: !factors.is_empty(),
        factors,
        recovery_codes: recovery_codes::summary(conn, account_id)?,
    })
}

pub struct StepUp<'a> {
    pub password: &'a str,
    pub code: &'a str,
}

/// Runs a sensitive change on an account with MFA on, after the password and a current code
/// (TOTP or recovery code) are proven; the code is consumed in the change's transaction, and
/// the change is audited there too.
fn with_step_up<T>(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    proof: StepUp<'_>,
    client: &ClientContext,
    now: DateTime<Utc>,
    change: impl FnOnce(
        &mut DbConnection,
        SecondFactor,
    ) -> Result<(T, AuditAction, Option<serde_json::Value>), ApiError>,
) -> Result<T, ApiError> {
    if active_totp(conn, &account.id)?.is_none() {
        return Err(ApiError::Conflict {
            code: "mfa_not_enabled",
            detail: "The account has no active second factor.".into(),
        });
    }
    passwords::verify_current(conn, keys, account, proof.password, client, now)?;
    step_up::with_second_factor(
        conn,
        keys.sealer,
        keys.policy,
        &account.id,
        proof.code,
        client,
        now,
        |conn, method| {
            let (result, action, details) = change(conn, method)?;
            audit::record(conn, &account.id, action, details, client, now)?;
            Ok(result)
        },
    )
}

/// Turns MFA off (password and code required): removes every factor and the recovery codes.
pub fn disable(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    proof: StepUp<'_>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    with_step_up(conn, keys, account, proof, client, now, |conn, method| {
        diesel::delete(mfa_factors::table.filter(mfa_factors::account_id.eq(&account.id)))
            .execute(conn)?;
        recovery_codes::delete_all(conn, &account.id)?;
        let details = json!({"confirmed_with": method.name()});
        Ok(((), AuditAction::MfaDisabled, Some(details)))
    })
}

/// Regenerates the recovery codes (password and code required); the old set dies at once.
pub fn regenerate_recovery_codes(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    proof: StepUp<'_>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, ApiError> {
    with_step_up(conn, keys, account, proof, client, now, |conn, _| {
        let codes = recovery_codes::replace_set(conn, keys.sealer, &account.id, now)?;
        Ok((codes, AuditAction::RecoveryCodesRegenerated, None))
    })
}

/// Shows the unused recovery codes again (password and code required).
pub fn reveal_recovery_codes(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    account: &AccountRow,
    proof: StepUp<'_>,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<Vec<String>, ApiError> {
    with_step_up(conn, keys, account, proof, client, now, |conn, _| {
        let codes = recovery_codes::unused_codes(conn, keys.sealer, &account.id)?;
        Ok((codes, AuditAction::RecoveryCodesRevealed, None))
    })
}

/// Discards the account's pending enrolments; returns how many.
pub fn discard_pending(conn: &mut DbConnection, account_id: &str) -> Result<usize, ApiError> {
    Ok(diesel::delete(
        mfa_factors::table
            .filter(mfa_factors::account_id.eq(account_id))
            .filter(mfa_factors::status.eq(PENDING)),
    )
    .execute(conn)?)
}

/// Deletes pending factors that were never activated and have expired, in batches.
pub fn prune_pending(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
    use crate::service::maintenance::{BATCH, in_batches};
    in_batches(|| {
        let batch: Vec<String> = mfa_factors::table
            .filter(mfa_factors::status.eq(PENDING))
            .filter(mfa_factors::expires_at.le(to_db(now)))
            .select(mfa_factors::id)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(
            diesel::delete(mfa_factors::table.filter(mfa_factors::id.eq_any(&batch)))
                .execute(conn)?,
        )
    })
}
