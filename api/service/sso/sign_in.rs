//! The end of an SSO sign-in, once the provider vouched for the account. With `mfa: "idp"`,
//! for an account whose email is at one of the organisation's verified domains, the session
//! (the provider owns the second factor, so the organisation's MFA requirement forces no
//! enrolment here; the session is aal2 when the provider says it checked a second factor).
//! Otherwise the provider stands for the password alone: with `mfa: "both"` the usual
//! challenge, or a forced enrolment when the account has no factor yet; with `mfa: "idp"` for
//! an account elsewhere (a personal account linked to the provider) its own second factor
//! when it has one, as a password login would.

use super::settings::{Provider, SsoMfa};
use crate::service::accounts::{self, Account};
use crate::service::alerts;
use crate::service::context::{Context, Decision};
use crate::service::error::Result;
use crate::service::history::{self, Attempt, FailureReason, LoginMethod};
use crate::service::ids::AccountId;
use crate::service::login::LoginOutcome;
use crate::service::mfa::{self, challenges, tickets};
use crate::service::operators;
use crate::service::orgs::policy;
use crate::service::sessions::{self, Aal, SignIn};

/// Whether the provider says its sign-in used more than one factor (RFC 8176 `mfa`, or two
/// kinds of proof).
pub fn provider_proved_mfa(amr: &[String]) -> bool {
    let has = |name: &str| amr.iter().any(|a| a == name);
    let second = ["otp", "hwk", "sms", "swk", "fpt", "face", "iris", "sc"];
    has("mfa") || (has("pwd") && second.iter().any(|s| has(s)))
}

pub fn finish(
    cx: &mut Context<'_>,
    provider: &Provider,
    account_id: &AccountId,
    amr: &[String],
) -> Result<LoginOutcome> {
    cx.decide(|cx| {
        let account = accounts::get(cx.conn, account_id)?;
        let attempt = |failure| Attempt {
            account_id: Some(account_id),
            email: &account.email,
            method: LoginMethod::Sso,
            failure,
            second_factor: None,
        };
        if let Err(frozen) = operators::refuse_if_frozen(&account) {
            history::record(cx, attempt(Some(FailureReason::AccountFrozen)))?;
            return Ok(Decision::Refused(frozen));
        }
        let idp_stands = provider.mfa == SsoMfa::Idp && provider.vouches_for(&account.email);
        let mut deadline = None;
        if !idp_stands {
            if mfa::is_on(cx.conn, account_id)? {
                return Ok(Decision::Done(LoginOutcome::MfaRequired {
                    challenge: challenges::open(cx, account_id, LoginMethod::Sso)?,
                }));
            }
            deadline = policy::enrollment_deadline(cx.conn, account_id)?;
            if provider.mfa == SsoMfa::Both || deadline.is_some_and(|d| d <= cx.now) {
                return Ok(Decision::Done(LoginOutcome::MfaEnrollmentRequired {
                    enrollment: tickets::issue(cx, account_id, LoginMethod::Sso)?,
                }));
            }
        }
        // The provider's MFA counts only where the organisation's policy lets it stand.
        let aal = if idp_stands && provider_proved_mfa(amr) {
            Aal::Aal2
        } else {
            Aal::Aal1
        };
        let sign_in = SignIn {
            aal,
            first: LoginMethod::Sso,
            second_factor: None,
            mfa_enrollment_deadline: deadline,
            idp_amr: Some(amr),
        };
        let session = sessions::issue_signed_in(cx, account_id, sign_in)?;
        history::record(cx, attempt(None))?;
        let device = alerts::client_device(cx, account_id);
        alerts::signed_in(cx, account_id, &account.email, device.as_deref())?;
        Ok(Decision::Done(LoginOutcome::Authenticated {
            account: Account::from(account),
            session,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_amr_says_whether_it_checked_a_second_factor() {
        let amr = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(provider_proved_mfa(&amr(&["pwd", "mfa"])));
        assert!(provider_proved_mfa(&amr(&["pwd", "otp"])));
        assert!(!provider_proved_mfa(&amr(&["pwd"])));
        assert!(!provider_proved_mfa(&amr(&[])));
    }
}
