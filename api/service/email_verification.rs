//! Proving email addresses. Every new address gets an email with a 6-digit code and a
//! single-use link (`tsv_…`), both valid 24 hours and kept only as digests (the code keyed and
//! bound to its row): the account's own address at sign-up (or when asked again), and a new
//! address the account asks to move to. The link works without a session; the code is typed
//! in signed in. A newer email ends the older ones of its kind.
//!
//! Sends keep to the limits of other codes: one every 30 seconds per address, 5 an hour per
//! account, counted from the rows, which nothing a user does deletes. A wrong code counts
//! towards its 5 tries and towards the account's lockouts (per IP, and the account's
//! backstop), which no new code resets.
//!
//! An address change happens only once the new address is proven, with the session that asked
//! for it still live (a password change or reset, or signing it out, ends the request). It
//! ends every other session, the pending codes and links and the password reset links (sent
//! to the old address), and the old address is told.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::accounts::{self, email_taken, normalise_email};
use super::audit::{self, AuditAction};
use super::context::{Context, Decision, Tx};
use super::error::{Error, FieldError, Result};
use super::ids::{AccountId, SessionId, row_id};
use super::mfa::sent_codes::{COOLDOWN, new_code};
use super::mfa::step_up::{self, Confirmation, Requirement};
use super::outbox::{self, Channel, Content};
use super::secret::Secret;
use super::sessions::{self, Caller};
use super::throttle::{self, Credential, Guard};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::AccountRow;
use crate::db::schema::{accounts as account_rows, email_verifications, sessions as session_rows};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tsv_";
/// Codes and links sent to one account in an hour.
const SENDS_PER_HOUR: i64 = 5;
/// How long a code and link work.
pub const VALID_FOR: Duration = Duration::hours(24);
/// Wrong codes before a code dies.
pub const MAX_WRONG: i32 = 5;

/// What an email proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The account's own address.
    Verify,
    /// A new address the account moves to once it is proven.
    Change,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Change => "change",
        }
    }

    /// The outbox's `kind` of its emails.
    fn kind(self) -> &'static str {
        match self {
            Purpose::Verify => "email_verification",
            Purpose::Change => "email_change",
        }
    }
}

/// A verification email on its way.
#[derive(Debug, Clone)]
pub struct VerificationSent {
    /// The address the code and link went to.
    pub sent_to: String,
    /// When the code and link stop working.
    pub expires_at: DateTime<Utc>,
    /// When another email may be asked for.
    pub resend_after: DateTime<Utc>,
}

/// A proven address.
#[derive(Debug, Clone)]
pub struct EmailVerified {
    /// The account's address, proven (for a change: the new one).
    pub email: String,
    pub email_verified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_verifications)]
struct VerificationRow {
    id: String,
    account_id: String,
    purpose: String,
    email: String,
    code_digest: String,
    session_id: Option<String>,
    expires_at: chrono::NaiveDateTime,
    failed_attempts: i32,
    used_at: Option<chrono::NaiveDateTime>,
}

impl VerificationRow {
    fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && now < from_db(self.expires_at) && self.failed_attempts < MAX_WRONG
    }

    fn purpose(&self) -> Purpose {
        if self.purpose == Purpose::Change.name() {
            Purpose::Change
        } else {
            Purpose::Verify
        }
    }
}

fn invalid() -> Error {
    Error::denied(ErrorCode::EmailVerificationInvalid)
}

fn already_verified() -> Error {
    Error::denied(ErrorCode::EmailAlreadyVerified)
}

/// 409 `email_managed_by_idp`.
pub fn email_managed_by_idp() -> Error {
    Error::denied(ErrorCode::EmailManagedByIdp)
}

/// Whether the organisation's identity provider keeps the account's address: an account
/// without a password of its own that signs in through SSO, or one its organisation manages
/// and signs in through its provider.
pub fn managed_by_idp(conn: &mut DbConnection, account: &AccountRow) -> Result<bool> {
    use crate::db::schema::sso_identities;
    let identities = sso_identities::table
        .filter(sso_identities::account_id.eq(&account.id))
        .into_boxed();
    let identities = if super::sso::has_no_password(&account.password_hash) {
        identities
    } else if let Some(org_id) = &account.managed_by_org_id {
        identities.filter(sso_identities::org_id.eq(org_id.clone()))
    } else {
        return Ok(false);
    };
    Ok(identities.count().get_result::<i64>(conn)? > 0)
}

/// Refuses (429 `rate_limited` with `Retry-After`) within 30 seconds of the last email to
/// the address, or past the account's 5 in the last hour.
fn within_sending_limits(cx: &mut Context<'_>, account_id: &AccountId, email: &str) -> Result<()> {
    let hour_ago = to_db(cx.now - Duration::hours(1));
    let recent: Vec<(chrono::NaiveDateTime, String)> = email_verifications::table
        .filter(email_verifications::account_id.eq(account_id.as_str()))
        .filter(email_verifications::created_at.gt(hour_ago))
        .order(email_verifications::created_at.asc())
        .select((email_verifications::created_at, email_verifications::email))
        .load(cx.conn)?;
    let latest = recent
        .iter()
        .rev()
        .find(|(_, to)| to == email)
        .map(|(at, _)| from_db(*at));
    if let Some(latest) = latest
        && cx.now < latest + COOLDOWN
    {
        return Err(crate::service::rate_limit::refusal(
            latest + COOLDOWN - cx.now,
            "A verification email was just sent; wait a little before asking for another.",
        ));
    }
    if recent.len() as i64 >= SENDS_PER_HOUR {
        return Err(crate::service::rate_limit::refusal(
            from_db(recent[0].0) + Duration::hours(1) - cx.now,
            "Too many verification emails were sent to this account in the last hour; try \
             again later.",
        ));
    }
    Ok(())
}

/// Ends the account's pending codes and links (of one purpose, or all); returns how many.
fn end_pending(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    purpose: Option<Purpose>,
) -> Result<usize> {
    let mut pending = diesel::update(email_verifications::table)
        .filter(email_verifications::account_id.eq(account_id.as_str()))
        .filter(email_verifications::used_at.is_null())
        .into_boxed();
    if let Some(purpose) = purpose {
        pending = pending.filter(email_verifications::purpose.eq(purpose.name()));
    }
    Ok(pending
        .set(email_verifications::used_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?)
}

/// Sends a code and link to `email` for `purpose`, ending the account's older ones of that
/// purpose, within the sending limits. Call inside the transaction of the change, with the
/// account locked.
fn send(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    purpose: Purpose,
    email: &str,
    asked_by: Option<&SessionId>,
) -> Result<VerificationSent> {
    within_sending_limits(cx, account_id, email)?;
    end_pending(cx, account_id, Some(purpose))?;
    let id = row_id();
    let token = Secret::new(random_token(TOKEN_PREFIX));
    let code = Secret::new(new_code());
    let expires_at = cx.now + VALID_FOR;
    diesel::insert_into(email_verifications::table)
        .values((
            email_verifications::id.eq(&id),
            email_verifications::account_id.eq(account_id.as_str()),
            email_verifications::purpose.eq(purpose.name()),
            email_verifications::email.eq(email),
            email_verifications::token_digest.eq(token_digest(token.expose())),
            email_verifications::code_digest
                .eq(cx.env.sealer.digest(&format!("{id}:{}", code.expose()))),
            email_verifications::session_id.eq(asked_by.map(SessionId::as_str)),
            email_verifications::created_at.eq(to_db(cx.now)),
            email_verifications::expires_at.eq(to_db(expires_at)),
        ))
        .execute(cx.conn)?;
    let link = cx.env.verify_email_link.replace("{token}", token.expose());
    let code = code.expose();
    let content = match purpose {
        Purpose::Verify => Content {
            subject: Some("Verify your email address".into()),
            text: format!(
                "Please confirm that {email} is your email address.\n\n\
                 Open this link within 24 hours:\n{link}\n\n\
                 or enter this code where you signed in: {code}\n\n\
                 If you did not create an account, ignore this email.\n"
            ),
            to: None,
        },
        Purpose::Change => Content {
            subject: Some("Confirm your new email address".into()),
            text: format!(
                "Someone asked to make {email} the email address of their account.\n\n\
                 To confirm, open this link within 24 hours:\n{link}\n\n\
                 or enter this code where you asked for the change: {code}\n\n\
                 If it was not you, ignore this email: nothing changes.\n"
            ),
            to: None,
        },
    };
    outbox::enqueue(cx, Channel::Email, email, purpose.kind(), &content)?;
    Ok(VerificationSent {
        sent_to: email.to_string(),
        expires_at,
        resend_after: cx.now + COOLDOWN,
    })
}

/// Sends a new account its first code and link, in the sign-up's transaction.
pub(crate) fn send_to_new_account(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    email: &str,
) -> Result<()> {
    send(cx, account_id, Purpose::Verify, email, None).map(|_| ())
}

/// Sends the signed-in account a new code and link for its address (the older ones die):
/// 409 `email_already_verified` once it is proven, 429 within the cooldown or past the cap.
pub fn resend(cx: &mut Context<'_>, account_id: &AccountId) -> Result<VerificationSent> {
    cx.transaction(|cx| {
        accounts::lock(cx.conn, account_id)?;
        let account = accounts::get(cx.conn, account_id)?;
        if account.email_verified_at.is_some() {
            return Err(already_verified());
        }
        send(cx, account_id, Purpose::Verify, &account.email, None)
    })
}

/// Sends a new code and link to `email` if it has an account whose address is unproven (and
/// that is not frozen); says nothing either way, not even when the limits hold it back.
pub fn resend_by_email(cx: &mut Context<'_>, email: &str) -> Result<()> {
    if email.chars().count() > 254 {
        return Err(Error::invalid(vec![FieldError::new(
            "email",
            "too_long",
            "must be at most 254 characters",
        )]));
    }
    let Some(account) = accounts::find_by_email(cx.conn, &normalise_email(email))? else {
        return Ok(());
    };
    if account.frozen_at.is_some() || account.email_verified_at.is_some() {
        return Ok(());
    }
    match resend(cx, &AccountId::from(account.id)) {
        Err(e)
            if e.denial().is_some_and(|d| {
                matches!(
                    d.code,
                    ErrorCode::RateLimited | ErrorCode::EmailAlreadyVerified
                )
            }) =>
        {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// The live row a token stands for.
fn by_token(cx: &mut Context<'_>, token: &Secret) -> Result<VerificationRow> {
    let text = token.expose();
    if !text.starts_with(TOKEN_PREFIX) || text.len() > 128 {
        return Err(invalid());
    }
    email_verifications::table
        .filter(email_verifications::token_digest.eq(token_digest(text)))
        .select(VerificationRow::as_select())
        .first(cx.conn)
        .optional()?
        .filter(|row| row.used_at.is_none() && cx.now < from_db(row.expires_at))
        .ok_or_else(invalid)
}

/// Uses the row up; false when another use won the race.
fn claim(cx: &mut Context<'_>, row: &VerificationRow) -> Result<bool> {
    let claimed = diesel::update(
        email_verifications::table
            .find(&row.id)
            .filter(email_verifications::used_at.is_null()),
    )
    .set(email_verifications::used_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?;
    Ok(claimed == 1)
}

/// Proves an address with the emailed link, no session needed: the account's own address
/// (409 `email_already_verified` when it is proven already), or the new address of a change.
/// 400 `email_verification_invalid` for an unknown, used, superseded or expired token.
pub fn verify_token(cx: &mut Context<'_>, token: &Secret) -> Result<EmailVerified> {
    cx.transaction(|cx| {
        let row = by_token(cx, token)?;
        let account_id = AccountId::from(row.account_id.clone());
        accounts::lock(cx.conn, &account_id)?;
        match row.purpose() {
            Purpose::Verify => prove_address(cx, &row, "link"),
            Purpose::Change => change_address(cx, &row, None),
        }
    })
}

/// Proves the new address of the caller's change with the emailed link, signed in.
pub fn confirm_change_by_token(
    cx: &mut Context<'_>,
    caller: &Caller,
    token: &Secret,
) -> Result<EmailVerified> {
    cx.transaction(|cx| {
        let row = by_token(cx, token)?;
        if row.account_id != caller.account_id().as_str() || row.purpose() != Purpose::Change {
            return Err(invalid());
        }
        accounts::lock(cx.conn, caller.account_id())?;
        change_address(cx, &row, Some(&caller.session_id))
    })
}

/// Proves an address with the emailed code, signed in: the account's own (`Verify`), or the
/// new address of its change (`Change`). A wrong code is 400 `email_verification_invalid`
/// with `attempts_remaining`; it counts towards the code's 5 tries and the account's lockouts
/// (429 `too_many_attempts`).
pub fn verify_code(
    cx: &mut Context<'_>,
    caller: &Caller,
    purpose: Purpose,
    code: &Secret,
) -> Result<EmailVerified> {
    let account_id = caller.account_id();
    let guard = Guard::new(Credential::EmailCode, account_id, &cx.client.ip_key());
    cx.decide(|cx| {
        accounts::lock(cx.conn, account_id)?;
        if purpose == Purpose::Verify
            && accounts::get(cx.conn, account_id)?
                .email_verified_at
                .is_some()
        {
            return Err(already_verified());
        }
        let now = cx.now;
        let row = email_verifications::table
            .filter(email_verifications::account_id.eq(account_id.as_str()))
            .filter(email_verifications::purpose.eq(purpose.name()))
            .order(email_verifications::created_at.desc())
            .select(VerificationRow::as_select())
            .first(cx.conn)
            .optional()?
            .filter(|row| row.is_live(now))
            // Nothing to guess at: not counted (the transaction rolls back).
            .ok_or_else(invalid)?;
        let ticket = match throttle::admit(cx, &guard)? {
            Decision::Done(ticket) => ticket,
            Decision::Refused(locked) => return Ok(Decision::Refused(locked)),
        };
        let given = code.expose().trim();
        if !cx
            .env
            .sealer
            .digest_matches(&row.code_digest, &format!("{}:{given}", row.id))
        {
            diesel::update(email_verifications::table.find(&row.id))
                .set(
                    email_verifications::failed_attempts
                        .eq(email_verifications::failed_attempts + 1),
                )
                .execute(cx.conn)?;
            throttle::reject(cx, &guard, ticket)?;
            let remaining = MAX_WRONG - row.failed_attempts - 1;
            return Ok(Decision::Refused(
                invalid().with(|d| d.attempts_remaining = Some(remaining)),
            ));
        }
        throttle::undo(cx, &guard)?;
        match purpose {
            Purpose::Verify => prove_address(cx, &row, "code"),
            Purpose::Change => change_address(cx, &row, Some(&caller.session_id)),
        }
        .map(Decision::Done)
    })
}

/// The account's own address is proven by `row` (`via` the link or the code).
fn prove_address(cx: &mut Tx<'_>, row: &VerificationRow, via: &str) -> Result<EmailVerified> {
    let account_id = AccountId::from(row.account_id.clone());
    let account = accounts::get(cx.conn, &account_id)?;
    if account.email != row.email {
        return Err(invalid());
    }
    if account.email_verified_at.is_some() {
        return Err(already_verified());
    }
    if !claim(cx, row)? {
        return Err(invalid());
    }
    accounts::mark_email_verified(cx, &account_id, via)?;
    end_pending(cx, &account_id, Some(Purpose::Verify))?;
    Ok(EmailVerified {
        email: account.email,
        email_verified_at: cx.now,
    })
}

/// Whether the session that asked for a change is still live (not signed out, revoked by a
/// password change or reset, or past its end).
fn still_signed_in(cx: &mut Context<'_>, session_id: Option<&str>) -> Result<bool> {
    let Some(session_id) = session_id else {
        return Ok(false);
    };
    let live: i64 = session_rows::table
        .filter(session_rows::id.eq(session_id))
        .filter(session_rows::revoked_at.is_null())
        .filter(session_rows::expires_at.gt(to_db(cx.now)))
        .count()
        .get_result(cx.conn)?;
    Ok(live == 1)
}

/// `email` as the old address's email shows it: enough to recognise, not to read in full.
fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// Moves the account to the new address `row` proved. `keep`: the session that confirmed it
/// (else the one that asked) stays signed in; every other session ends.
fn change_address(
    cx: &mut Tx<'_>,
    row: &VerificationRow,
    keep: Option<&SessionId>,
) -> Result<EmailVerified> {
    let account_id = AccountId::from(row.account_id.clone());
    let account = accounts::get(cx.conn, &account_id)?;
    if !still_signed_in(cx, row.session_id.as_deref())? {
        return Err(invalid());
    }
    if managed_by_idp(cx.conn, &account)? {
        return Err(email_managed_by_idp());
    }
    if accounts::find_by_email(cx.conn, &row.email)?.is_some() {
        return Err(email_taken());
    }
    if !claim(cx, row)? {
        return Err(invalid());
    }
    // The unique index decides between two accounts racing for the address.
    diesel::update(account_rows::table.find(account_id.as_str()))
        .set((
            account_rows::email.eq(&row.email),
            account_rows::email_verified_at.eq(Some(to_db(cx.now))),
            account_rows::updated_at.eq(to_db(cx.now)),
        ))
        .execute(cx.conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => email_taken(),
            other => other.into(),
        })?;
    let pending_ended = end_pending(cx, &account_id, None)?;
    let reset_links_ended = super::password_reset::end_open_links(cx, &account_id)?;
    let keep = keep
        .cloned()
        .or_else(|| row.session_id.clone().map(SessionId::from));
    let revoked = sessions::revoke_all_except(cx, &account_id, keep.as_ref())?;
    let content = Content {
        subject: Some("Your email address was changed".into()),
        text: format!(
            "The email address of your account was changed from {} to {}, and every other \
             device was signed out. Emails now go to the new address.\n\n\
             If it was not you, reset your password at once and contact support.\n",
            account.email,
            masked(&row.email),
        ),
        to: None,
    };
    outbox::enqueue(
        cx,
        Channel::Email,
        &account.email,
        "email_changed",
        &content,
    )?;
    audit::record(
        cx,
        &account_id,
        AuditAction::EmailChanged,
        Some(serde_json::json!({
            "old_email": account.email,
            "new_email": row.email,
            "sessions_revoked": revoked,
            "codes_ended": pending_ended,
            "reset_links_ended": reset_links_ended,
        })),
    )?;
    Ok(EmailVerified {
        email: row.email.clone(),
        email_verified_at: cx.now,
    })
}

/// What the caller sends to change the address.
pub struct EmailChange {
    pub email: String,
    /// The password, and a current code when MFA is on.
    pub confirmation: Confirmation,
}

/// Asks to move the account to a new address, confirmed with the password (and, with MFA on,
/// a code): a code and link go to the new address, and the address changes only once they
/// come back. 409 `email_taken`, 409 `email_managed_by_idp`, 403 `reauthentication_failed`.
pub fn request_change(
    cx: &mut Context<'_>,
    caller: &Caller,
    change: EmailChange,
) -> Result<VerificationSent> {
    let email = normalise_email(&change.email);
    if let Some(problem) = accounts::check_email(&email) {
        return Err(Error::invalid(vec![problem]));
    }
    let account_id = caller.account_id();
    let account = accounts::get(cx.conn, account_id)?;
    if managed_by_idp(cx.conn, &account)? {
        return Err(email_managed_by_idp());
    }
    if email == account.email {
        return Err(Error::invalid(vec![FieldError::new(
            "email",
            "unchanged",
            "is the account's address already",
        )]));
    }
    let proof = change.confirmation.proof(caller.session_id.clone());
    // The password first: whether an address has an account is told only to someone who
    // proved theirs (else any session would be a fast enumeration oracle).
    let verified = step_up::verify(
        cx,
        account_id,
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
    )?;
    if accounts::find_by_email(cx.conn, &email)?.is_some() {
        return Err(email_taken());
    }
    verified.apply(cx, |cx, _| {
        accounts::lock(cx.conn, account_id)?;
        if accounts::find_by_email(cx.conn, &email)?.is_some() {
            return Err(email_taken());
        }
        send(
            cx,
            account_id,
            Purpose::Change,
            &email,
            Some(&caller.session_id),
        )
    })
}

/// Deletes codes and links a day after they expired (the hourly cap looks back an hour).
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(
        email_verifications::table
            .filter(email_verifications::expires_at.le(to_db(now - Duration::days(1)))),
    )
    .execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn the_old_address_sees_the_new_one_masked() {
        assert_eq!(masked("grace@example.com"), "g•••@example.com");
        assert_eq!(masked("nobody"), "•••");
    }
}
