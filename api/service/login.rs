//! Password login.

use diesel::prelude::*;

use super::accounts::{Account, find_by_email, normalise_email};
use super::alerts;
use super::context::{Context, Decision};
use super::error::{Error, Result};
use super::history::{self, Attempt, FailureReason, LoginMethod};
use super::ids::{AccountId, OrgId};
use super::mfa::tickets::{self, Enrollment};
use super::mfa::{
    self,
    challenges::{self, LoginChallenge},
};
use super::operators;
use super::orgs::policy;
use super::secret::Secret;
use super::sessions::{self, Aal, IssuedSession};
use super::sso;
use super::throttle::{self, Credential, Guard};
use crate::db::schema::accounts;
use crate::error_code::ErrorCode;

// Built once per login and moved straight into the response: the size difference between
// the variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum LoginOutcome {
    Authenticated {
        account: Account,
        session: IssuedSession,
    },
    /// The password was right; a second factor is needed to finish.
    MfaRequired { challenge: LoginChallenge },
    /// The password was right, but an organisation's deadline for MFA has passed and the
    /// account has no factor: it must enrol one to get a session.
    MfaEnrollmentRequired { enrollment: Enrollment },
    /// The email's organisation signs its people in at its identity provider: start SSO.
    SsoRequired { org_id: OrgId },
    /// The password was right, but the server signs in only proven addresses and this one is
    /// not proven yet: no session until the code or link sent to it comes back.
    EmailVerificationRequired,
}

/// Checks email and password. Unknown emails and wrong passwords cost the same time (a
/// dummy hash is verified) and give the same answer; both count towards the lockouts, per
/// (account, client IP) and per account.
///
/// At a verified domain whose organisation signs its people in through SSO the answer is
/// `sso_required` for every email there — no account, an account that signs in only at the
/// provider, a wrong password — in the same time, so it says nothing of who has an account.
/// Only the right password of an account with one of its own, not linked to the
/// organisation, signs in here (its owner may need it to link, see `sso_link_required`).
pub fn password_login(
    cx: &mut Context<'_>,
    email: &str,
    password: &Secret,
) -> Result<LoginOutcome> {
    let email = normalise_email(email);
    let account = find_by_email(cx.conn, &email)?;
    let sso_org = crate::service::orgs::domains::sso_org_for_email(cx.conn, &email)?;
    if let (Some(org_id), Some(account)) = (&sso_org, &account)
        && sso::identities::signs_in_only_at(cx.conn, account, org_id)?
    {
        // As long as a password check would take.
        let _ = cx.env.hasher.verify_dummy(password.expose());
        return Ok(LoginOutcome::SsoRequired {
            org_id: org_id.clone(),
        });
    }
    let account_id = account.as_ref().map(|a| AccountId::from(a.id.clone()));
    let ip_key = cx.client.ip_key();
    let guard = match &account_id {
        Some(id) => Guard::new(Credential::Password, id, &ip_key),
        None => Guard::for_unknown_email(&cx.env.sealer, &email, &ip_key),
    };
    let recorded_email = match &account {
        Some(_) => email.clone(),
        None => format!("digest:{}", throttle::email_digest(&cx.env.sealer, &email)),
    };
    let attempt = |failure| Attempt {
        account_id: account_id.as_ref(),
        email: &recorded_email,
        method: LoginMethod::Password,
        failure,
        second_factor: None,
    };

    let ticket = cx.decide(|cx| match throttle::admit(cx, &guard)? {
        Decision::Done(ticket) => Ok(Decision::Done(ticket)),
        Decision::Refused(locked) => {
            history::record(cx, attempt(Some(FailureReason::TooManyAttempts)))?;
            Ok(Decision::Refused(locked))
        }
    })?;

    let hasher = &cx.env.hasher;
    let verification = match &account {
        Some(a) => hasher.verify(password.expose(), &a.password_hash),
        None => hasher.verify_dummy(password.expose()),
    };
    let (Some(account), Some(account_id)) = (account.filter(|_| verification.valid), &account_id)
    else {
        cx.transaction(|cx| {
            throttle::reject(cx, &guard, ticket)?;
            history::record(cx, attempt(Some(FailureReason::InvalidCredentials)))
        })?;
        if let Some(org_id) = sso_org {
            return Ok(LoginOutcome::SsoRequired { org_id });
        }
        return Err(Error::denied(ErrorCode::InvalidCredentials));
    };

    let upgraded_hash = if verification.needs_rehash {
        Some(hasher.hash(password.expose())?)
    } else {
        None
    };
    cx.decide(|cx| {
        throttle::succeeded(cx, &guard)?;
        if let Err(frozen) = operators::refuse_if_frozen(&account) {
            history::record(cx, attempt(Some(FailureReason::AccountFrozen)))?;
            return Ok(Decision::Refused(frozen));
        }
        if let Some(hash) = &upgraded_hash {
            diesel::update(accounts::table.find(account_id.as_str()))
                .set(accounts::password_hash.eq(hash))
                .execute(cx.conn)?;
        }
        if cx.env.require_verified_email && account.email_verified_at.is_none() {
            history::record(cx, attempt(Some(FailureReason::EmailNotVerified)))?;
            return Ok(Decision::Done(LoginOutcome::EmailVerificationRequired));
        }
        if mfa::is_on(cx.conn, account_id)? {
            return Ok(Decision::Done(LoginOutcome::MfaRequired {
                challenge: challenges::open(cx, account_id, LoginMethod::Password)?,
            }));
        }
        let deadline = policy::enrollment_deadline(cx.conn, account_id)?;
        if deadline.is_some_and(|deadline| deadline <= cx.now) {
            return Ok(Decision::Done(LoginOutcome::MfaEnrollmentRequired {
                enrollment: tickets::issue(cx, account_id, LoginMethod::Password)?,
            }));
        }
        let session = sessions::issue_signed_in(
            cx,
            account_id,
            sessions::SignIn {
                aal: Aal::Aal1,
                first: LoginMethod::Password,
                second_factor: None,
                mfa_enrollment_deadline: deadline,
                idp_amr: None,
            },
        )?;
        history::record(cx, attempt(None))?;
        let device = alerts::client_device(cx, account_id);
        alerts::signed_in(cx, account_id, &account.email, device.as_deref())?;
        Ok(Decision::Done(LoginOutcome::Authenticated {
            account: Account::from(account),
            session,
        }))
    })
}
