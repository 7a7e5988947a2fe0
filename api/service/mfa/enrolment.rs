//! Adding an authenticator app: a pending factor with a new secret (after the password is
//! re-entered), which becomes active once one code from the app proves it.
//!
//! ```text
//!   pending ──right code──▶ active (MFA on: other sessions end, this one is aal2)
//!      ├─5th wrong code──▶ exhausted (410; enrol again)
//!      └─10 minutes, a new enrolment, or a password change──▶ gone
//! ```

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use super::factors::Factor;
use super::recovery_codes::{self, RecoveryCodes};
use super::sent_codes::{self, Purpose, SentCode, Target};
use super::step_up::{self, Confirmation, Requirement};
use super::tickets::{self, Enroller};
use super::{FactorState, FactorType, SecondFactor, active_factor, active_totp, use_totp_code};
use crate::crypto::totp::{self, TotpParams};
use crate::db::models::MfaFactorRow;
use crate::db::schema::{accounts as accounts_rows, mfa_factors};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts;
use crate::service::alerts::{self, WayIn};
use crate::service::audit::{self, AuditAction};
use crate::service::context::{Context, Decision, Tx};
use crate::service::error::{Error, FieldError, Result};
use crate::service::history::{self, Attempt};
use crate::service::ids::{AccountId, FactorId, OrgId, SessionId};
use crate::service::orgs::hardware_tokens;
use crate::service::phone_numbers;
use crate::service::sealed::MFA_FACTOR;
use crate::service::secret::Secret;
use crate::service::sessions::{self, Aal, IssuedSession};
use crate::service::throttle::{self, Credential, Guard};

pub const PENDING_LIFETIME_MINUTES: i64 = 10;
/// Wrong codes a pending factor takes before it dies.
pub const MAX_WRONG_ACTIVATION_CODES: i32 = 5;

/// What the user needs to add the account to an authenticator app.
#[derive(Debug)]
pub struct TotpEnrolment {
    /// Pass to the activate call with the first code the app shows.
    pub factor_id: FactorId,
    /// The secret for manual entry: base32, no padding, 160 bits.
    pub secret: Secret,
    pub otpauth_uri: Secret,
    /// The `otpauth_uri` as an SVG QR code.
    pub qr_svg: Secret,
    /// The same QR code as a `data:image/png;base64,…` URI.
    pub qr_png: Secret,
    /// The pending factor is discarded if not activated by then.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug)]
pub struct Activation {
    pub factor: Factor,
    /// A fresh set of recovery codes when this is the account's first factor; shown only here.
    pub recovery_codes: Option<RecoveryCodes>,
}

fn otpauth_uri(issuer: &str, email: &str, secret: &str, params: TotpParams) -> String {
    let issuer = utf8_percent_encode(issuer, NON_ALPHANUMERIC).to_string();
    let email = utf8_percent_encode(email, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{issuer}:{email}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={}&period={}",
        params.digits, params.period
    )
}

fn qr_codes(uri: &str) -> Result<(String, String)> {
    use base64::Engine;
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(Error::internal)?;
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
        .map_err(Error::internal)?;
    let png = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    );
    Ok((svg, png))
}

/// The account already has an active factor of this kind.
fn already_active(kind: FactorType) -> Error {
    match kind {
        FactorType::Totp => totp_already_active(),
        other => Error::denied_because(
            ErrorCode::FactorAlreadyActive,
            format!("The account already has an active {} factor.", other.name()),
        ),
    }
}

/// Runs `create` (in a transaction) once the enroller has proven it may add a factor: a
/// signed-in caller re-enters the password, and once MFA is on a current code too (a factor is
/// a way in); an enrolment ticket stands for the password entered at login, and its account
/// has no factor yet.
fn with_enroller_proof<T>(
    cx: &mut Context<'_>,
    enroller: &Enroller,
    confirmation: Confirmation,
    create: impl FnOnce(&mut Tx<'_>, step_up::Confirmed) -> Result<T>,
) -> Result<T> {
    match enroller {
        Enroller::Session(caller) => step_up::confirm(
            cx,
            enroller.account_id(),
            &confirmation.proof(caller.session_id.clone()),
            Requirement::PasswordAndCodeIfMfaIsOn,
            create,
        ),
        Enroller::Ticket { .. } => cx.transaction(|cx| {
            create(
                cx,
                step_up::Confirmed {
                    second_factor: None,
                },
            )
        }),
    }
}

pub fn totp_already_active() -> Error {
    Error::denied_because(
        ErrorCode::TotpAlreadyActive,
        "The account already has an active authenticator; disable it first.",
    )
}

/// Starts TOTP enrolment: a pending factor with a new secret. A signed-in caller re-enters the
/// password; an enrolment ticket stands for the password entered at login. An earlier pending
/// enrolment of the account is discarded.
pub fn start_totp(
    cx: &mut Context<'_>,
    enroller: &Enroller,
    confirmation: Confirmation,
) -> Result<TotpEnrolment> {
    enroller.may_enrol(FactorType::Totp.name())?;
    let account_id = enroller.account_id();
    let params = TotpParams::authenticator_app();
    let secret = zeroize::Zeroizing::new(totp::generate_secret());
    let factor_id = FactorId::generate();
    let expires_at = cx.now + Duration::minutes(PENDING_LIFETIME_MINUTES);
    let create = |cx: &mut Tx<'_>, _| {
        // Sealed here, in the transaction that stores it, after the password check: a server
        // that stalled in between must not store a value under a key retired meanwhile.
        let sealed = cx
            .env
            .sealer
            .seal(&*secret, &MFA_FACTOR.to(factor_id.as_str()))?;
        // Two enrolments at once must not leave two pending factors behind.
        accounts::lock(cx.conn, account_id)?;
        if active_totp(cx.conn, account_id)?.is_some() {
            return Err(totp_already_active());
        }
        discard_pending(cx, account_id)?;
        diesel::insert_into(mfa_factors::table)
            .values(&MfaFactorRow {
                id: factor_id.to_string(),
                account_id: account_id.to_string(),
                kind: FactorType::Totp.name().into(),
                status: FactorState::Pending.name().into(),
                secret_ciphertext: sealed.ciphertext,
                key_id: sealed.key_id,
                digits: params.digits as i32,
                period: params.period as i32,
                last_used_step: None,
                created_at: to_db(cx.now),
                expires_at: Some(to_db(expires_at)),
                activated_at: None,
                last_used_at: None,
                failed_attempts: 0,
                algorithm: params.algorithm.name().into(),
                hardware_token_id: None,
            })
            .execute(cx.conn)?;
        Ok(())
    };
    with_enroller_proof(cx, enroller, confirmation, create)?;
    let secret = totp::encode_secret(&*secret);
    let email = &enroller.account().email;
    let otpauth_uri = otpauth_uri(&cx.env.totp_issuer, email, &secret, params);
    let (qr_svg, qr_png) = qr_codes(&otpauth_uri)?;
    Ok(TotpEnrolment {
        factor_id,
        secret: Secret::new(secret),
        otpauth_uri: Secret::new(otpauth_uri),
        qr_svg: Secret::new(qr_svg),
        qr_png: Secret::new(qr_png),
        expires_at,
    })
}

/// A pending SMS or WhatsApp factor, its first code on its way.
#[derive(Debug)]
pub struct SentCodeEnrolment {
    /// Pass to the activate call with the code that arrives.
    pub factor_id: FactorId,
    /// `sms` or `whatsapp`.
    pub kind: &'static str,
    pub code: SentCode,
}

/// Starts an SMS or WhatsApp factor: a pending factor holding the phone number (sealed), and
/// a first code sent to it. Needs the password, as for an authenticator; refused with 409
/// `channel_unavailable` when the server has no provider for the channel.
pub fn start_sent(
    cx: &mut Context<'_>,
    enroller: &Enroller,
    kind: FactorType,
    phone: &str,
    confirmation: Confirmation,
) -> Result<SentCodeEnrolment> {
    enroller.may_enrol(kind.name())?;
    let phone = phone.trim();
    let channel = kind
        .channel()
        .ok_or_else(|| Error::internal(format!("no codes are sent for {}", kind.name())))?;
    if let Some(error) =
        phone_numbers::check_destination(&cx.env.phone_numbers, channel, "phone", phone)
    {
        return Err(Error::invalid(vec![error]));
    }
    let phone = &phone_numbers::normalise(phone);
    if !cx.env.channels.offers(kind) {
        return Err(Error::denied_because(
            ErrorCode::ChannelUnavailable,
            format!("This server does not send codes by {}.", kind.name()),
        ));
    }
    let account_id = enroller.account_id();
    let factor_id = FactorId::generate();
    let expires_at = cx.now + Duration::minutes(PENDING_LIFETIME_MINUTES);
    let create = |cx: &mut Tx<'_>, _| {
        // Sealed in the transaction that stores it, after the password check (see TOTP).
        let sealed = cx
            .env
            .sealer
            .seal(phone.as_bytes(), &MFA_FACTOR.to(factor_id.as_str()))?;
        accounts::lock(cx.conn, account_id)?;
        if active_factor(cx.conn, account_id, kind)?.is_some() {
            return Err(already_active(kind));
        }
        discard_pending(cx, account_id)?;
        let row = MfaFactorRow {
            id: factor_id.to_string(),
            account_id: account_id.to_string(),
            kind: kind.name().into(),
            status: FactorState::Pending.name().into(),
            secret_ciphertext: sealed.ciphertext,
            key_id: sealed.key_id,
            digits: 6,
            period: sent_codes::VALID_FOR.num_seconds() as i32,
            last_used_step: None,
            created_at: to_db(cx.now),
            expires_at: Some(to_db(expires_at)),
            activated_at: None,
            last_used_at: None,
            failed_attempts: 0,
            algorithm: "none".into(),
            hardware_token_id: None,
        };
        diesel::insert_into(mfa_factors::table)
            .values(&row)
            .execute(cx.conn)?;
        sent_codes::send(cx, Target::Factor(&row), Purpose::Activation)
    };
    let code = with_enroller_proof(cx, enroller, confirmation, create)?;
    Ok(SentCodeEnrolment {
        factor_id,
        kind: kind.name(),
        code,
    })
}

/// Why a pending factor cannot be activated, if it cannot.
fn not_activatable(factor: &MfaFactorRow, now: DateTime<Utc>) -> Option<Error> {
    if factor.status == FactorState::Active.name() {
        return Some(Error::denied_because(
            ErrorCode::FactorAlreadyActive,
            "This factor is already active.",
        ));
    }
    if factor.expires_at.is_some_and(|at| from_db(at) <= now) {
        return Some(Error::denied_because(
            ErrorCode::FactorExpired,
            format!(
                "Pending factors must be activated within {PENDING_LIFETIME_MINUTES} minutes; start again."
            ),
        ));
    }
    if factor.failed_attempts >= MAX_WRONG_ACTIVATION_CODES {
        return Some(Error::denied_because(
            ErrorCode::FactorExhausted,
            "Too many wrong codes for this pending factor; start the enrolment again.",
        ));
    }
    None
}

/// Activates a pending factor once the user proves one code from it. The account's first
/// factor comes with a fresh set of recovery codes. With MFA on, the account's other sessions
/// (signed in with the password alone) end, and the activating one becomes `aal2`.
///
/// Wrong codes count towards the second-factor lockouts and are refused with
/// `reauthentication_failed` (a code on a valid session); the fifth kills the pending factor.
pub fn activate(
    cx: &mut Context<'_>,
    enroller: &Enroller,
    factor_id: &FactorId,
    code: &Secret,
) -> Result<Activated> {
    let account_id = enroller.account_id();
    let guard = Guard::new(Credential::SecondFactor, account_id, &cx.client.ip_key());
    cx.decide(|cx| {
        // Counted first, as at login; an answer other than a checked code (404, 409, 410)
        // rolls the count back with the transaction.
        let admitted = throttle::admit(cx, &guard)?;
        accounts::lock(cx.conn, account_id)?;
        let factor = mfa_factors::table
            .find(factor_id.as_str())
            .filter(mfa_factors::account_id.eq(account_id.as_str()))
            .select(MfaFactorRow::as_select())
            .first(cx.conn)
            .optional()?
            .ok_or_else(|| Error::denied(ErrorCode::NotFound))?;
        if let Some(refusal) = not_activatable(&factor, cx.now) {
            return Err(refusal);
        }
        let kind = FactorType::parse(&factor.kind)
            .ok_or_else(|| Error::internal(format!("unknown factor kind {}", factor.kind)))?;
        if active_factor(cx.conn, account_id, kind)?.is_some() {
            return Err(already_active(kind));
        }
        let ticket = match admitted {
            Decision::Done(ticket) => ticket,
            Decision::Refused(locked) => return Ok(Decision::Refused(locked)),
        };
        let right = if kind.is_sent() {
            sent_codes::use_code(cx, Target::Factor(&factor), Purpose::Activation, code)?
        } else {
            use_totp_code(cx, &factor, code)?
        };
        if !right {
            diesel::update(mfa_factors::table.find(factor_id.as_str()))
                .set(mfa_factors::failed_attempts.eq(mfa_factors::failed_attempts + 1))
                .execute(cx.conn)?;
            throttle::reject(cx, &guard, ticket)?;
            let remaining = MAX_WRONG_ACTIVATION_CODES - factor.failed_attempts - 1;
            return Ok(Decision::Refused(
                Error::denied(ErrorCode::ReauthenticationFailed).with(|d| {
                    d.errors = vec![FieldError::new(
                        "code",
                        "invalid",
                        "is wrong, expired or already used",
                    )];
                    d.attempts_remaining = Some(remaining);
                }),
            ));
        }
        throttle::undo(cx, &guard)?;
        Ok(Decision::Done(complete(cx, enroller, factor_id)?))
    })
}

/// A pending factor proved a code: it turns active; with an enrolment ticket, the ticket is
/// used up and the login's session issued.
fn complete(cx: &mut Tx<'_>, enroller: &Enroller, factor_id: &FactorId) -> Result<Activated> {
    let account_id = enroller.account_id();
    Ok(match enroller {
        Enroller::Session(caller) => Activated {
            activation: turn_on(cx, account_id, Some(&caller.session_id), factor_id)?,
            session: None,
        },
        Enroller::Ticket {
            account,
            ticket,
            first,
            ..
        } => {
            if !tickets::consume(cx, ticket)? {
                return Err(Error::denied(ErrorCode::Unauthenticated));
            }
            let activation = turn_on(cx, account_id, None, factor_id)?;
            let method = FactorType::parse(&activation.factor.kind)
                .map_or(SecondFactor::Totp, FactorType::method);
            let session = sessions::issue(cx, account_id, Aal::Aal2, *first, Some(method))?;
            history::record(
                cx,
                Attempt {
                    account_id: Some(account_id),
                    email: &account.email,
                    method: *first,
                    failure: None,
                    second_factor: Some(method),
                },
            )?;
            Activated {
                activation,
                session: Some(session),
            }
        }
    })
}

/// Binds one of the organisation's hardware tokens as the account's factor, once a code from
/// it is proven (from a session, or with an enrolment ticket). Wrong codes count like any.
pub fn bind_hardware_token(
    cx: &mut Context<'_>,
    enroller: &Enroller,
    org_id: &OrgId,
    serial: &str,
    code: &Secret,
    confirmation: Confirmation,
) -> Result<Activated> {
    enroller.may_enrol(FactorType::HardwareToken.name())?;
    let account_id = enroller.account_id();
    if let Enroller::Session(caller) = enroller {
        // A token is a way in: the password, and a current code once MFA is on, before the
        // token's own code is tried (the confirming code is used up even if that is wrong).
        let proof = confirmation.proof_naming("mfa_code", caller.session_id.clone());
        step_up::verify(
            cx,
            account_id,
            &proof,
            Requirement::PasswordAndCodeIfMfaIsOn,
        )?
        .apply(cx, |_, _| Ok(()))?;
    }
    let guard = Guard::new(Credential::SecondFactor, account_id, &cx.client.ip_key());
    cx.decide(|cx| {
        let admitted = throttle::admit(cx, &guard)?;
        accounts::lock(cx.conn, account_id)?;
        if active_factor(cx.conn, account_id, FactorType::HardwareToken)?.is_some() {
            return Err(Error::denied_because(
                ErrorCode::FactorAlreadyActive,
                "The account already has a hardware token; an admin's reset frees it.",
            ));
        }
        let (token, params, secret) = hardware_tokens::for_binding(cx, org_id, account_id, serial)?;
        let ticket = match admitted {
            Decision::Done(ticket) => ticket,
            Decision::Refused(locked) => return Ok(Decision::Refused(locked)),
        };
        let Some(step) = totp::verify(&secret, code.expose(), cx.now.timestamp(), None, params)
        else {
            throttle::reject(cx, &guard, ticket)?;
            return Ok(Decision::Refused(step_up::refused(
                "code",
                "invalid",
                "is wrong or expired",
            )));
        };
        throttle::undo(cx, &guard)?;
        let factor_id = FactorId::generate();
        let mut row = hardware_tokens::factor_row(
            cx,
            &token,
            account_id,
            factor_id.as_str(),
            &secret,
            params,
        )?;
        // The code just proven is used: the same code cannot log in again.
        row.last_used_step = Some(step);
        row.last_used_at = Some(to_db(cx.now));
        diesel::insert_into(mfa_factors::table)
            .values(&row)
            .execute(cx.conn)?;
        hardware_tokens::assign(cx, &token, account_id)?;
        Ok(Decision::Done(complete(cx, enroller, &factor_id)?))
    })
}

/// What an activation produced: the factor (and the first recovery codes), and, when it was
/// made with an enrolment ticket, the session the login was waiting for.
#[derive(Debug)]
pub struct Activated {
    pub activation: Activation,
    pub session: Option<IssuedSession>,
}

/// The pending factor proved a code: it is the account's active factor from now on. Every
/// session but `keep` (the activating one, now aal2) ends.
fn turn_on(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    keep: Option<&SessionId>,
    factor_id: &FactorId,
) -> Result<Activation> {
    let had_codes = recovery_codes::summary(cx.conn, account_id)?.is_some();
    let was_on = super::is_on(cx.conn, account_id)?;
    diesel::update(mfa_factors::table.find(factor_id.as_str()))
        .set((
            mfa_factors::status.eq(FactorState::Active.name()),
            mfa_factors::activated_at.eq(Some(to_db(cx.now))),
            mfa_factors::expires_at.eq(None::<chrono::NaiveDateTime>),
            mfa_factors::failed_attempts.eq(0),
        ))
        .execute(cx.conn)?;
    diesel::update(
        accounts_rows::table
            .find(account_id.as_str())
            .filter(accounts_rows::mfa_first_enabled_at.is_null()),
    )
    .set(accounts_rows::mfa_first_enabled_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?;
    let codes = if had_codes {
        None
    } else {
        Some(recovery_codes::replace_set(cx, account_id)?)
    };
    let kind: String = mfa_factors::table
        .find(factor_id.as_str())
        .select(mfa_factors::kind)
        .first(cx.conn)?;
    let action = if was_on {
        AuditAction::MfaFactorAdded
    } else {
        AuditAction::MfaEnabled
    };
    audit::record(
        cx,
        account_id,
        action,
        Some(json!({"factor_id": factor_id, "type": kind})),
    )?;
    alerts::way_in_added(cx, account_id, WayIn::Factor(&kind))?;
    if let Some(session_id) = keep {
        let method = FactorType::parse(&kind).map_or(SecondFactor::Totp, FactorType::method);
        sessions::raise_to_aal2(cx, session_id, method)?;
    }
    // Turning MFA on: the other sessions proved only the password, and must sign in again.
    // Another factor for an account with MFA on changes nothing about them.
    if !was_on {
        let revoked = sessions::revoke_all_except(cx, account_id, keep)?;
        audit::record(
            cx,
            account_id,
            AuditAction::SessionsRevokedOthers,
            Some(json!({"revoked": revoked, "reason": "mfa_enabled"})),
        )?;
    }
    let factor = mfa_factors::table
        .find(factor_id.as_str())
        .select(MfaFactorRow::as_select())
        .first(cx.conn)?;
    Ok(Activation {
        factor: factor.into(),
        recovery_codes: codes,
    })
}

/// Discards the account's pending enrolments; returns how many.
pub fn discard_pending(cx: &mut Context<'_>, account_id: &AccountId) -> Result<usize> {
    Ok(diesel::delete(
        mfa_factors::table
            .filter(mfa_factors::account_id.eq(account_id.as_str()))
            .filter(mfa_factors::status.eq(FactorState::Pending.name())),
    )
    .execute(cx.conn)?)
}

/// Deletes pending factors that were never activated and have expired, in batches.
pub fn prune_pending(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    use crate::service::maintenance::{BATCH, in_batches};
    in_batches(|| {
        let batch: Vec<String> = mfa_factors::table
            .filter(mfa_factors::status.eq(FactorState::Pending.name()))
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
