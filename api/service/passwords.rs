//! The password policy — 8 to 256 characters, and not guessable (zxcvbn's dictionaries of
//! common passwords, names and keyboard patterns, plus the account's own email) — and the
//! password change.

use diesel::prelude::*;

use super::audit::{self, AuditAction};
use super::context::Context;
use super::error::{Error, FieldError, Result};
use super::mfa::step_up::{self, Proof, Requirement};
use super::mfa::{challenges, enrolment};
use super::secret::Secret;
use super::sessions::{self, Caller};
use super::sso;
use super::throttle::{self, Credential, Guard};
use crate::db::schema::accounts as account_rows;
use crate::db::to_db;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;
/// What any password field may carry at all. Longer ones are refused before anything else is
/// done with them: hashing a megabyte is a denial of service, not a login.
pub const MAX_BYTES: usize = 1024;

/// Refuses a password field over [`MAX_BYTES`] with 422, before any lookup or hash.
pub fn check_size(field: &str, password: &Secret) -> Result<()> {
    if password.expose().len() > MAX_BYTES {
        return Err(Error::invalid(vec![FieldError::new(
            field,
            "too_long",
            format!("must be at most {MAX_BYTES} bytes"),
        )]));
    }
    Ok(())
}

/// What is wrong with a new password, if anything. CPU work (the strength estimate): run it
/// on the blocking pool.
pub fn problem_with_new(field: &str, password: &str, email: &str) -> Option<FieldError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some(FieldError::new(
            field,
            "too_short",
            format!("must be at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Some(FieldError::new(
            field,
            "too_long",
            format!("must be at most {MAX_CHARS} characters"),
        ));
    }
    let local_part = email.split('@').next().unwrap_or_default();
    // The estimator's cost grows with the length: it never sees more than MAX_CHARS.
    let estimated: String = password.chars().take(MAX_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&estimated, &[email, local_part]);
    if (estimate.score() as u8) < 2 {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string())
            .unwrap_or_else(|| "This password is too easy to guess.".to_string());
        return Some(FieldError::new(
            field,
            "too_common",
            format!("is too common or guessable: {reason}"),
        ));
    }
    None
}

pub struct PasswordChange {
    pub current_password: Option<Secret>,
    pub new_password: Secret,
    /// A current second-factor code: required when the account has MFA on.
    pub code: Option<Secret>,
    /// Revoke every API key too (when the old password may have leaked with them).
    pub revoke_api_keys: bool,
}

/// Changes the password after checking the current one (and, with MFA on, a current code).
/// Every other session of the account ends, and so do its open login challenges and pending
/// enrolments, which were started with the old password; the calling session stays. Wrong
/// passwords and codes count towards the same lockouts as failed logins.
pub fn change(cx: &mut Context<'_>, caller: &Caller, change: PasswordChange) -> Result<()> {
    let account_id = caller.account_id();
    let account = super::accounts::get(cx.conn, account_id)?;
    if sso::identities::password_managed_by(cx.conn, &account)?.is_some() {
        return Err(sso::identities::password_managed_by_idp());
    }
    if let Some(problem) = problem_with_new(
        "new_password",
        change.new_password.expose(),
        &caller.account.email,
    ) {
        return Err(Error::invalid(vec![problem]));
    }
    let proof = Proof {
        password_field: "current_password",
        code_field: "code",
        password: change.current_password,
        code: change.code,
        session_id: caller.session_id.clone(),
    };
    let verified = step_up::verify(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
    )?;
    // Hashed only once the current password is known to be right.
    let new_hash = cx.env.hasher.hash(change.new_password.expose())?;
    verified.apply(cx, |cx, confirmed| {
        diesel::update(account_rows::table.find(account_id.as_str()))
            .set((
                account_rows::password_hash.eq(&new_hash),
                account_rows::password_changed_at.eq(to_db(cx.now)),
                account_rows::updated_at.eq(to_db(cx.now)),
            ))
            .execute(cx.conn)?;
        let guard = Guard::new(Credential::Password, account_id, &cx.client.ip_key());
        throttle::clear_account(cx, &guard)?;
        let revoked = sessions::revoke_all_except(cx, account_id, Some(&caller.session_id))?;
        let challenges = challenges::end_open(cx, account_id)?;
        let enrolments = enrolment::discard_pending(cx, account_id)?;
        let keys = if change.revoke_api_keys {
            super::api_keys::revoke_all(cx, account_id, "password_changed")?
        } else {
            0
        };
        audit::record(
            cx,
            account_id,
            AuditAction::PasswordChanged,
            Some(serde_json::json!({
                "sessions_revoked": revoked,
                "challenges_ended": challenges,
                "pending_factors_discarded": enrolments,
                "api_keys_revoked": keys,
                "confirmed_with": confirmed.second_factor.map(|m| m.name()),
            })),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_long_and_common_passwords() {
        let email = "ada@example.com";
        let problem = |password: &str| problem_with_new("password", password, email);
        assert_eq!(problem("short").unwrap().code, "too_short");
        assert_eq!(problem(&"x".repeat(257)).unwrap().code, "too_long");
        assert_eq!(problem("password123").unwrap().code, "too_common");
        assert_eq!(problem("ada@example.com").unwrap().code, "too_common");
        assert!(problem("correct horse battery staple").is_none());
        assert!(check_size("password", &Secret::new("x".repeat(1025))).is_err());
        assert!(check_size("password", &Secret::new("é".repeat(512))).is_ok());
    }
}
