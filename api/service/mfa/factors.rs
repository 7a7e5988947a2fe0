//! The account's second factors as they stand: status, and the changes that need the password
//! and a current code (disabling, regenerating or revealing recovery codes).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::FactorState;
use super::recovery_codes::{self, RecoveryCodeSummary, RecoveryCodes};
use super::step_up::{self, Confirmation, Requirement};
use crate::db::models::MfaFactorRow;
use crate::db::schema::{accounts, mfa_factors};
use crate::db::{from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::audit::{self, AuditAction};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::ids::{AccountId, FactorId};
use crate::service::orgs::{hardware_tokens, policy};
use crate::service::secret::Secret;
use crate::service::sessions::Caller;

/// A second factor of the account.
#[derive(Debug)]
pub struct Factor {
    pub id: FactorId,
    /// `totp`, `hardware_token`, `sms` or `whatsapp` (more types may be added).
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<MfaFactorRow> for Factor {
    fn from(row: MfaFactorRow) -> Self {
        Factor {
            id: FactorId::from(row.id),
            kind: row.kind,
            created_at: from_db(row.created_at),
            activated_at: row.activated_at.map(from_db),
            last_used_at: row.last_used_at.map(from_db),
        }
    }
}

#[derive(Debug)]
pub struct MfaStatus {
    /// True when at least one factor is active: login asks for a second factor.
    pub enabled: bool,
    pub factors: Vec<Factor>,
    /// Null when the account has no recovery codes.
    pub recovery_codes: Option<RecoveryCodeSummary>,
}

pub fn status(cx: &mut Context<'_>, account_id: &AccountId) -> Result<MfaStatus> {
    let factors: Vec<Factor> = mfa_factors::table
        .filter(mfa_factors::account_id.eq(account_id.as_str()))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .order(mfa_factors::created_at.asc())
        .select(MfaFactorRow::as_select())
        .load(cx.conn)?
        .into_iter()
        .map(Factor::from)
        .collect();
    Ok(MfaStatus {
        enabled: !factors.is_empty(),
        factors,
        recovery_codes: recovery_codes::summary(cx.conn, account_id)?,
    })
}

/// Turns MFA off (password and code required): removes every factor and the recovery codes.
/// Refused while an organisation requires MFA of the account.
pub fn disable(cx: &mut Context<'_>, caller: &Caller, confirmation: Confirmation) -> Result<()> {
    let account_id = caller.account_id();
    // Checked first too, so that a doomed request costs no password check.
    if policy::mfa_required(cx.conn, account_id)? {
        return Err(last_factor_required());
    }
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::confirm(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCode,
        |cx, confirmed| turn_off(cx, account_id, confirmed.second_factor.map(|m| m.name())),
    )
}

/// Every factor and recovery code goes; refused while an organisation requires MFA.
fn turn_off(cx: &mut Tx<'_>, account_id: &AccountId, confirmed_with: Option<&str>) -> Result<()> {
    if policy::mfa_required(cx.conn, account_id)? {
        return Err(last_factor_required());
    }
    clear(cx, account_id, account_id)?;
    let details = json!({"confirmed_with": confirmed_with});
    audit::record(cx, account_id, AuditAction::MfaDisabled, Some(details))
}

/// Removes every factor of the account (pending ones too), its recovery codes and the hardware
/// tokens it holds; when MFA was on, notes when and by whom (`by`: the account itself, or the
/// admin who reset it) it went off. Returns how many active factors went.
pub fn clear(cx: &mut Context<'_>, account_id: &AccountId, by: &AccountId) -> Result<usize> {
    let active = super::active_kinds(cx.conn, account_id)?.len();
    diesel::delete(mfa_factors::table.filter(mfa_factors::account_id.eq(account_id.as_str())))
        .execute(cx.conn)?;
    recovery_codes::delete_all(cx.conn, account_id)?;
    hardware_tokens::release_all(cx.conn, account_id)?;
    if active > 0 {
        diesel::update(accounts::table.find(account_id.as_str()))
            .set((
                accounts::mfa_disabled_at.eq(Some(to_db(cx.now))),
                accounts::mfa_disabled_by.eq(Some(by.as_str())),
            ))
            .execute(cx.conn)?;
    }
    Ok(active)
}

fn last_factor_required() -> Error {
    Error::denied_because(
        ErrorCode::MfaRequiredByPolicy,
        "An organisation you belong to requires MFA: the last factor cannot be removed.",
    )
}

/// Removes one active factor (the password and a code from any factor, or a recovery code).
/// Removing the last one turns MFA off, as [`disable`] does, and is refused while an
/// organisation requires MFA of the account (409); so is removing the last factor of the
/// methods an organisation that requires MFA allows.
pub fn remove(
    cx: &mut Context<'_>,
    caller: &Caller,
    factor_id: &FactorId,
    confirmation: Confirmation,
) -> Result<()> {
    let account_id = caller.account_id();
    let not_found = || Error::denied(ErrorCode::NotFound);
    let owned: i64 = mfa_factors::table
        .filter(mfa_factors::id.eq(factor_id.as_str()))
        .filter(mfa_factors::account_id.eq(account_id.as_str()))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .count()
        .get_result(cx.conn)?;
    if owned == 0 {
        return Err(not_found());
    }
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::confirm(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCode,
        |cx, confirmed| {
            // Under the account's lock: two removals at once cannot both see another factor
            // left, and leave none behind without turning MFA off.
            crate::service::accounts::lock(cx.conn, account_id)?;
            let active: Vec<MfaFactorRow> = mfa_factors::table
                .filter(mfa_factors::account_id.eq(account_id.as_str()))
                .filter(mfa_factors::status.eq(FactorState::Active.name()))
                .select(MfaFactorRow::as_select())
                .load(cx.conn)?;
            let factor = active
                .iter()
                .find(|f| f.id == factor_id.as_str())
                .ok_or_else(not_found)?;
            let confirmed_with = confirmed.second_factor.map(|m| m.name());
            if active.len() == 1 {
                return turn_off(cx, account_id, confirmed_with);
            }
            if policy::removal_breaks_requirement(cx.conn, account_id, &active, &factor.id)? {
                return Err(Error::denied_because(
                    ErrorCode::MfaRequiredByPolicy,
                    "An organisation you belong to accepts this factor and none of your others: \
                     enrol one it accepts before removing it.",
                ));
            }
            diesel::delete(mfa_factors::table.find(&factor.id)).execute(cx.conn)?;
            if let Some(token_id) = &factor.hardware_token_id {
                hardware_tokens::release(cx.conn, token_id)?;
            }
            audit::record(
                cx,
                account_id,
                AuditAction::MfaFactorRemoved,
                Some(json!({
                    "factor_id": factor.id,
                    "type": factor.kind,
                    "confirmed_with": confirmed_with,
                })),
            )
        },
    )
}

/// Regenerates the recovery codes (password and code required); the old set dies at once.
pub fn regenerate_recovery_codes(
    cx: &mut Context<'_>,
    caller: &Caller,
    confirmation: Confirmation,
) -> Result<RecoveryCodes> {
    let account_id = caller.account_id();
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::confirm(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCode,
        |cx, _| {
            let codes = recovery_codes::replace_set(cx, account_id)?;
            audit::record(cx, account_id, AuditAction::RecoveryCodesRegenerated, None)?;
            Ok(codes)
        },
    )
}

/// Shows the unused recovery codes again (password and code required).
pub fn reveal_recovery_codes(
    cx: &mut Context<'_>,
    caller: &Caller,
    confirmation: Confirmation,
) -> Result<Vec<Secret>> {
    let account_id = caller.account_id();
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::confirm(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCode,
        |cx, _| {
            let codes = recovery_codes::unused_codes(cx, account_id)?;
            audit::record(cx, account_id, AuditAction::RecoveryCodesRevealed, None)?;
            Ok(codes)
        },
    )
}
