//! Re-authentication: the one way a sensitive change on a valid session is confirmed — the
//! account's password, and a current second-factor code when the change asks for one. Both
//! are counted towards their lockouts before they are checked. A wrong or missing one is
//! refused with `reauthentication_failed` naming the field: the session stays valid.

use chrono::Duration;

use super::{SecondFactor, is_on, use_any_code};
use crate::error_code::ErrorCode;
use crate::service::accounts;
use crate::service::context::{Context, Decision, Tx};
use crate::service::error::{Error, FieldError, Result};
use crate::service::history::LoginMethod;
use crate::service::ids::{AccountId, SessionId};
use crate::service::secret::Secret;
use crate::service::sessions;
use crate::service::sso;
use crate::service::throttle::{self, Credential, Guard};

/// What the caller sent to confirm a change.
pub struct Proof {
    /// The request field that carries the password (`password`, `current_password`).
    pub password_field: &'static str,
    /// The request field that carries the code (`code`, or `mfa_code` where `code` is taken).
    pub code_field: &'static str,
    /// Required, but for accounts without a password of their own (provisioned by SSO):
    /// those prove themselves with a recent sign-in at their provider instead.
    pub password: Option<Secret>,
    /// A current authenticator code or an unused recovery code.
    pub code: Option<Secret>,
    /// The session asking for the change.
    pub session_id: SessionId,
}

/// What a signed-in caller sends to add a way into the account: the password and, once MFA is
/// on, a current code (DESIGN.md §6: a stolen session alone plants nothing).
#[derive(Debug, Default)]
pub struct Confirmation {
    pub password: Option<Secret>,
    pub code: Option<Secret>,
}

impl Confirmation {
    pub fn proof(self, session_id: SessionId) -> Proof {
        self.proof_naming("code", session_id)
    }

    /// The same, where the request names the code field otherwise.
    pub fn proof_naming(self, code_field: &'static str, session_id: SessionId) -> Proof {
        Proof {
            password_field: "password",
            code_field,
            password: self.password,
            code: self.code,
            session_id,
        }
    }
}

/// How recent an SSO sign-in must be to stand in for a password.
pub fn sso_reauthentication_window() -> Duration {
    Duration::minutes(10)
}

/// What a change asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The password, and a code too once MFA is on (changing the password).
    PasswordAndCodeIfMfaIsOn,
    /// The password and a code; without MFA there is nothing to change (409).
    PasswordAndCode,
}

/// How the change was confirmed, for its audit event.
#[derive(Debug, Clone, Copy)]
pub struct Confirmed {
    pub second_factor: Option<SecondFactor>,
}

/// A wrong or missing confirmation.
pub fn refused(field: &str, code: &str, message: &str) -> Error {
    Error::denied(ErrorCode::ReauthenticationFailed)
        .with(|d| d.errors = vec![FieldError::new(field, code, message)])
}

/// Checks the proof and runs `change`: [`verify`], then [`Verified::apply`].
pub fn confirm<T>(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    proof: &Proof,
    requirement: Requirement,
    change: impl FnOnce(&mut Tx<'_>, Confirmed) -> Result<T>,
) -> Result<T> {
    verify(cx, account_id, proof, requirement)?.apply(cx, change)
}

/// A proof whose password is right; its code, when the change needs one, is not used yet.
pub struct Verified<'a> {
    account_id: &'a AccountId,
    code: Option<&'a Secret>,
    code_field: &'static str,
}

/// The first half of a confirmation: what the requirement asks for is there, and the password
/// is right — checked outside any transaction, since a hash takes tens of milliseconds. Work
/// the change needs that is slow too (hashing a new password) belongs between this and
/// [`Verified::apply`], so that a wrong password costs nothing more.
pub fn verify<'a>(
    cx: &mut Context<'_>,
    account_id: &'a AccountId,
    proof: &'a Proof,
    requirement: Requirement,
) -> Result<Verified<'a>> {
    let mfa_on = is_on(cx.conn, account_id)?;
    let code = match (requirement, mfa_on, &proof.code) {
        (Requirement::PasswordAndCode, false, _) => {
            return Err(Error::denied_because(
                ErrorCode::MfaNotEnabled,
                "The account has no active second factor.",
            ));
        }
        (Requirement::PasswordAndCodeIfMfaIsOn, false, _) => None,
        (_, true, None) => {
            return Err(refused(
                proof.code_field,
                "required",
                "a current authenticator or recovery code is required: MFA is on",
            ));
        }
        (_, true, Some(code)) => Some(code),
    };
    check_password(cx, account_id, proof)?;
    Ok(Verified {
        account_id,
        code,
        code_field: proof.code_field,
    })
}

impl Verified<'_> {
    /// The second half: consumes the code, when one is needed, in the same transaction as the
    /// change, so a code confirms exactly one change.
    pub fn apply<T>(
        self,
        cx: &mut Context<'_>,
        change: impl FnOnce(&mut Tx<'_>, Confirmed) -> Result<T>,
    ) -> Result<T> {
        let account_id = self.account_id;
        let code_field = self.code_field;
        let Some(code) = self.code else {
            return cx.transaction(|cx| {
                change(
                    cx,
                    Confirmed {
                        second_factor: None,
                    },
                )
            });
        };
        let guard = Guard::new(Credential::SecondFactor, account_id, &cx.client.ip_key());
        cx.decide(|cx| {
            let ticket = match throttle::admit(cx, &guard)? {
                Decision::Done(ticket) => ticket,
                Decision::Refused(locked) => return Ok(Decision::Refused(locked)),
            };
            match use_any_code(cx, account_id, code)? {
                Some(method) => {
                    throttle::undo(cx, &guard)?;
                    let confirmed = Confirmed {
                        second_factor: Some(method),
                    };
                    change(cx, confirmed).map(Decision::Done)
                }
                None => {
                    throttle::reject(cx, &guard, ticket)?;
                    Ok(Decision::Refused(refused(
                        code_field,
                        "invalid",
                        "is wrong, expired or already used",
                    )))
                }
            }
        })
    }
}

/// The password half: counted, then checked (a hash); a wrong one stays counted. An account
/// without a password proves itself with its session instead: signed in at its identity
/// provider within the last 10 minutes (403 `reauthentication_required` otherwise).
fn check_password(cx: &mut Context<'_>, account_id: &AccountId, proof: &Proof) -> Result<()> {
    let stored = accounts::get(cx.conn, account_id)?.password_hash;
    if sso::has_no_password(&stored) {
        return recent_sso_sign_in(cx, &proof.session_id);
    }
    let password = proof.password.as_ref().ok_or_else(|| {
        refused(
            proof.password_field,
            "required",
            "the account's password is required",
        )
    })?;
    let guard = Guard::new(Credential::Password, account_id, &cx.client.ip_key());
    let ticket = cx.decide(|cx| throttle::admit(cx, &guard))?;
    if cx.env.hasher.verify(password.expose(), &stored).valid {
        return cx.transaction(|cx| throttle::undo(cx, &guard));
    }
    cx.transaction(|cx| throttle::reject(cx, &guard, ticket))?;
    Err(refused(proof.password_field, "invalid", "is wrong"))
}

fn recent_sso_sign_in(cx: &mut Context<'_>, session_id: &SessionId) -> Result<()> {
    let since = cx.now - sso_reauthentication_window();
    if sessions::signed_in_with_since(cx.conn, session_id, LoginMethod::Sso, since)? {
        Ok(())
    } else {
        Err(Error::denied(ErrorCode::ReauthenticationRequired))
    }
}
