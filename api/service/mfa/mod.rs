//! Multi-factor authentication: TOTP factors, recovery codes, login challenges, and the
//! re-authentication that guards sensitive changes.

pub mod challenges;
pub mod enrolment;
pub mod factors;
pub mod recovery_codes;
pub mod send_budget;
pub mod sent_codes;
pub mod step_up;
pub mod tickets;

use diesel::prelude::*;

use super::context::Context;
use super::error::{Error, FieldError, Result};
use super::ids::AccountId;
use super::secret::Secret;
use crate::crypto::sealing::Sealer;
use crate::crypto::totp::{self, TotpParams};
use crate::db::models::MfaFactorRow;
use crate::db::schema::mfa_factors;
use crate::db::schema::recovery_codes as recovery_code_rows;
use crate::db::{DbConnection, to_db};
use crate::service::sealed::MFA_FACTOR;

/// A kind of second factor, as stored. Serialized by its name into audit details
/// (`org.updated`'s `allowed_methods`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorType {
    /// An authenticator app.
    Totp,
    /// An organisation's hardware TOTP token, bound by the member.
    HardwareToken,
    /// Codes sent by SMS to a phone number.
    Sms,
    /// Codes sent by WhatsApp to a phone number.
    Whatsapp,
}

impl FactorType {
    pub const ALL: [FactorType; 4] = [
        FactorType::Totp,
        FactorType::HardwareToken,
        FactorType::Sms,
        FactorType::Whatsapp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FactorType::Totp => "totp",
            FactorType::HardwareToken => "hardware_token",
            FactorType::Sms => "sms",
            FactorType::Whatsapp => "whatsapp",
        }
    }

    pub fn parse(text: &str) -> Option<FactorType> {
        FactorType::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// The channel its codes are sent by (none for codes a device shows).
    pub fn channel(self) -> Option<super::outbox::Channel> {
        match self {
            FactorType::Sms => Some(super::outbox::Channel::Sms),
            FactorType::Whatsapp => Some(super::outbox::Channel::Whatsapp),
            FactorType::Totp | FactorType::HardwareToken => None,
        }
    }

    /// Whether its codes are sent (SMS, WhatsApp) rather than shown by a device.
    pub fn is_sent(self) -> bool {
        matches!(self, FactorType::Sms | FactorType::Whatsapp)
    }

    /// The method a code of this factor is given with.
    pub fn method(self) -> SecondFactor {
        match self {
            FactorType::Totp => SecondFactor::Totp,
            FactorType::HardwareToken => SecondFactor::HardwareToken,
            FactorType::Sms => SecondFactor::Sms,
            FactorType::Whatsapp => SecondFactor::Whatsapp,
        }
    }
}

/// Where a factor is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorState {
    /// Enrolled, waiting for one code to prove it.
    Pending,
    Active,
}

impl FactorState {
    pub fn name(self) -> &'static str {
        match self {
            FactorState::Pending => "pending",
            FactorState::Active => "active",
        }
    }
}

/// A second-factor method a code can be checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Totp,
    HardwareToken,
    RecoveryCode,
    Sms,
    Whatsapp,
}

impl SecondFactor {
    pub fn name(self) -> &'static str {
        match self {
            SecondFactor::Totp => "totp",
            SecondFactor::HardwareToken => "hardware_token",
            SecondFactor::RecoveryCode => "recovery_code",
            SecondFactor::Sms => "sms",
            SecondFactor::Whatsapp => "whatsapp",
        }
    }

    /// The factor type a code of this method is checked against (none for recovery codes).
    pub fn factor_type(self) -> Option<FactorType> {
        match self {
            SecondFactor::Totp => Some(FactorType::Totp),
            SecondFactor::HardwareToken => Some(FactorType::HardwareToken),
            SecondFactor::RecoveryCode => None,
            SecondFactor::Sms => Some(FactorType::Sms),
            SecondFactor::Whatsapp => Some(FactorType::Whatsapp),
        }
    }

    /// The methods a code given without one may be: digits are a one-time code of an
    /// authenticator, a hardware token, or one sent by SMS or WhatsApp for a confirmation;
    /// anything else is taken as a recovery code.
    pub fn candidates(code: &str) -> &'static [SecondFactor] {
        let code = code.trim();
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
            &[
                SecondFactor::Totp,
                SecondFactor::HardwareToken,
                SecondFactor::Sms,
                SecondFactor::Whatsapp,
            ]
        } else {
            &[SecondFactor::RecoveryCode]
        }
    }
}

/// Refuses a code field that cannot be any code (empty, or longer than any recovery code may be
/// typed), with 422, as the spec's 1..=64 characters state.
pub fn check_code_shape(field: &str, code: &Secret) -> Result<()> {
    let length = code.expose().chars().count();
    if (1..=64).contains(&length) {
        return Ok(());
    }
    Err(Error::invalid(vec![FieldError::new(
        field,
        "invalid_length",
        "must be 1 to 64 characters",
    )]))
}

/// The account's active factor of `kind`, if any.
pub fn active_factor(
    conn: &mut DbConnection,
    account_id: &AccountId,
    kind: FactorType,
) -> Result<Option<MfaFactorRow>> {
    Ok(mfa_factors::table
        .filter(mfa_factors::account_id.eq(account_id.as_str()))
        .filter(mfa_factors::kind.eq(kind.name()))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .select(MfaFactorRow::as_select())
        .first(conn)
        .optional()?)
}

/// The account's active authenticator app, if any.
pub fn active_totp(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Option<MfaFactorRow>> {
    active_factor(conn, account_id, FactorType::Totp)
}

/// The kinds of the account's active factors, in a stable order (`totp` first).
pub fn active_kinds(conn: &mut DbConnection, account_id: &AccountId) -> Result<Vec<String>> {
    Ok(mfa_factors::table
        .filter(mfa_factors::account_id.eq(account_id.as_str()))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .order(mfa_factors::kind.desc())
        .select(mfa_factors::kind)
        .load(conn)?)
}

/// MFA is on: the account has at least one active factor.
pub fn is_on(conn: &mut DbConnection, account_id: &AccountId) -> Result<bool> {
    Ok(!active_kinds(conn, account_id)?.is_empty())
}

pub fn open_secret(sealer: &Sealer, factor: &MfaFactorRow) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    Ok(sealer.open(
        &factor.key_id,
        &factor.secret_ciphertext,
        &MFA_FACTOR.to(&factor.id),
    )?)
}

pub fn params_of(factor: &MfaFactorRow) -> TotpParams {
    TotpParams {
        digits: factor.digits as u32,
        period: factor.period as u64,
        algorithm: totp::Algorithm::parse(&factor.algorithm).unwrap_or_default(),
    }
}

/// Checks `code` as a TOTP code of `factor`; on success records its time step as used, so the
/// same code (or an older one) is refused from then on. The conditional update makes two
/// concurrent uses of one code succeed at most once. A secret sealed under an older key is
/// re-sealed under the active one on the way.
pub fn use_totp_code(cx: &mut Context<'_>, factor: &MfaFactorRow, code: &Secret) -> Result<bool> {
    let sealer = &cx.env.sealer;
    let secret = open_secret(sealer, factor)?;
    let Some(step) = totp::verify(
        &secret,
        code.expose(),
        cx.now.timestamp(),
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
        mfa_factors::last_used_at.eq(Some(to_db(cx.now))),
    ))
    .execute(cx.conn)?;
    if claimed == 1 && !sealer.is_active(&factor.key_id) {
        reseal_secret(cx.conn, sealer, factor, &secret)?;
    }
    Ok(claimed == 1)
}

/// Seals the factor's secret under the active key.
pub fn reseal_secret(
    conn: &mut DbConnection,
    sealer: &Sealer,
    factor: &MfaFactorRow,
    secret: &[u8],
) -> Result<()> {
    let sealed = sealer.seal(secret, &MFA_FACTOR.to(&factor.id))?;
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
    cx: &mut Context<'_>,
    account_id: &AccountId,
    method: SecondFactor,
    code: &Secret,
    purpose: sent_codes::Purpose,
) -> Result<Option<SecondFactor>> {
    let accepted = match method.factor_type() {
        Some(kind) if kind.is_sent() => {
            match sent_codes::Destination::of(cx.conn, account_id, kind)? {
                Some(destination) => {
                    sent_codes::use_code(cx, destination.target(account_id), purpose, code)?
                }
                None => false,
            }
        }
        Some(kind) => match active_factor(cx.conn, account_id, kind)? {
            Some(factor) => use_totp_code(cx, &factor, code)?,
            None => false,
        },
        None => recovery_codes::use_code(cx, account_id, code)?,
    };
    Ok(accepted.then_some(method))
}

/// Checks a code given without its method (a confirmation): each method it may be, in turn.
pub fn use_any_code(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    code: &Secret,
) -> Result<Option<SecondFactor>> {
    for method in SecondFactor::candidates(code.expose()) {
        if let Some(method) = use_second_factor(
            cx,
            account_id,
            *method,
            code,
            sent_codes::Purpose::Confirmation,
        )? {
            return Ok(Some(method));
        }
    }
    Ok(None)
}

/// Whether the account's profile has a WhatsApp number it proved: login codes can go to it.
pub fn verified_whatsapp(conn: &mut DbConnection, account_id: &AccountId) -> Result<bool> {
    use crate::db::schema::accounts;
    let (number, verified_at): (Option<String>, Option<chrono::NaiveDateTime>) = accounts::table
        .find(account_id.as_str())
        .select((accounts::whatsapp_number, accounts::whatsapp_verified_at))
        .first(conn)?;
    Ok(number.is_some() && verified_at.is_some())
}

/// The methods a login challenge can be answered with: the account's active factors (those
/// whose codes are sent, while their channel is on), `whatsapp` for a proven profile number
/// while WhatsApp is on, and recovery codes while any are left.
pub fn usable_methods(
    conn: &mut DbConnection,
    channels: &sent_codes::Channels,
    account_id: &AccountId,
) -> Result<Vec<String>> {
    let mut methods: Vec<String> = active_kinds(conn, account_id)?
        .into_iter()
        .filter(|kind| FactorType::parse(kind).is_none_or(|kind| channels.offers(kind)))
        .collect();
    let whatsapp = FactorType::Whatsapp.name();
    if channels.whatsapp
        && !methods.iter().any(|m| m == whatsapp)
        && verified_whatsapp(conn, account_id)?
    {
        methods.push(whatsapp.to_string());
    }
    let unused: i64 = recovery_code_rows::table
        .filter(recovery_code_rows::account_id.eq(account_id.as_str()))
        .filter(recovery_code_rows::used_at.is_null())
        .count()
        .get_result(conn)?;
    if unused > 0 {
        methods.push(SecondFactor::RecoveryCode.name().to_string());
    }
    Ok(methods)
}
