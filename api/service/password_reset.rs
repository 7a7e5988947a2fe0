//! Forgotten passwords: a single-use link by email, valid an hour. Asking never says whether
//! the email has an account. Using the link sets the new password, proves the email address,
//! and ends every way in the owner did not re-prove: every session of the account (whoever
//! knew the old password is out), its API keys and its links to organisations' identity
//! providers, but for the organisation that manages it. The account is told by email.

use chrono::Duration;
use diesel::prelude::*;

use super::accounts::{self, normalise_email};
use super::audit::{self, AuditAction};
use super::context::Context;
use super::error::{Error, Result};
use super::ids::{AccountId, row_id};
use super::operators;
use super::outbox::{self, Channel, Content};
use super::passwords;
use super::secret::Secret;
use super::throttle::{self, Credential, Guard};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::schema::{accounts as account_rows, password_resets};
use crate::db::{from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tsr_";
/// How long a reset link works.
const VALID_FOR: Duration = Duration::hours(1);
/// At most one reset email a minute per account: asking again and again fills nobody's inbox.
const RESEND_AFTER: Duration = Duration::minutes(1);

/// Sends a reset link to `email` if it has an account (and is not frozen); says nothing either
/// way. A new link ends the older ones.
pub fn request(cx: &mut Context<'_>, email: &str) -> Result<()> {
    if email.chars().count() > 254 {
        return Err(Error::invalid(vec![super::error::FieldError::new(
            "email",
            "too_long",
            "must be at most 254 characters",
        )]));
    }
    let Some(account) = accounts::find_by_email(cx.conn, &normalise_email(email))? else {
        return Ok(());
    };
    if account.frozen_at.is_some() {
        return Ok(());
    }
    // The organisation's identity provider keeps this account's password: nothing to reset
    // here, and the answer must not say so.
    if super::sso::identities::password_managed_by(cx.conn, &account)?.is_some() {
        return Ok(());
    }
    cx.transaction(|cx| {
        let account_id = AccountId::from(account.id.clone());
        accounts::lock(cx.conn, &account_id)?;
        let latest: Option<chrono::NaiveDateTime> = password_resets::table
            .filter(password_resets::account_id.eq(&account.id))
            .select(diesel::dsl::max(password_resets::created_at))
            .first(cx.conn)?;
        if latest.is_some_and(|at| cx.now - from_db(at) < RESEND_AFTER) {
            return Ok(());
        }
        end_open_links(cx, &account_id)?;
        let token = Secret::new(random_token(TOKEN_PREFIX));
        diesel::insert_into(password_resets::table)
            .values((
                password_resets::id.eq(row_id()),
                password_resets::account_id.eq(&account.id),
                password_resets::token_digest.eq(token_digest(token.expose())),
                password_resets::created_at.eq(to_db(cx.now)),
                password_resets::expires_at.eq(to_db(cx.now + VALID_FOR)),
            ))
            .execute(cx.conn)?;
        let link = cx.env.reset_link.replace("{token}", token.expose());
        let content = Content {
            subject: Some("Reset your password".into()),
            text: format!(
                "Someone asked to reset the password of your account ({}).\n\n\
                 To choose a new password, open this link within an hour:\n{link}\n\n\
                 If it was not you, ignore this email: your password stays as it is.\n",
                account.email
            ),
            to: None,
        };
        outbox::enqueue(
            cx,
            Channel::Email,
            &account.email,
            "password_reset",
            &content,
        )?;
        Ok(())
    })
}

/// Ends the account's unused reset links; returns how many.
pub(crate) fn end_open_links(cx: &mut Context<'_>, account_id: &AccountId) -> Result<usize> {
    Ok(diesel::update(
        password_resets::table
            .filter(password_resets::account_id.eq(account_id.as_str()))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?)
}

fn invalid_token() -> Error {
    Error::denied(ErrorCode::ResetTokenInvalid)
}

/// The account a live reset token is for: the cheap check made before a hash is spent.
pub fn check_token(cx: &mut Context<'_>, token: &Secret) -> Result<AccountId> {
    let text = token.expose();
    if !text.starts_with(TOKEN_PREFIX) || text.len() > 128 {
        return Err(invalid_token());
    }
    let found: Option<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        password_resets::table
            .filter(password_resets::token_digest.eq(token_digest(text)))
            .select((
                password_resets::account_id,
                password_resets::expires_at,
                password_resets::used_at,
            ))
            .first(cx.conn)
            .optional()?;
    match found {
        Some((account_id, expires_at, None)) if cx.now < from_db(expires_at) => {
            Ok(AccountId::from(account_id))
        }
        _ => Err(invalid_token()),
    }
}

/// Sets the new password with a live token: every session ends, and so do open login
/// challenges and pending enrolments; the token is used up; the account is told by email.
pub fn reset(cx: &mut Context<'_>, token: &Secret, new_password: &Secret) -> Result<()> {
    let account_id = check_token(cx, token)?;
    let account = accounts::get(cx.conn, &account_id)?;
    if let Some(problem) =
        passwords::problem_with_new("new_password", new_password.expose(), &account.email)
    {
        return Err(Error::invalid(vec![problem]));
    }
    operators::refuse_if_frozen(&account)?;
    if super::sso::identities::password_managed_by(cx.conn, &account)?.is_some() {
        return Err(super::sso::identities::password_managed_by_idp());
    }
    let new_hash = cx.env.hasher.hash(new_password.expose())?;
    cx.transaction(|cx| {
        accounts::lock(cx.conn, &account_id)?;
        // Checked again under the lock: of two uses racing, one wins.
        let used = diesel::update(
            password_resets::table
                .filter(password_resets::token_digest.eq(token_digest(token.expose())))
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?;
        if used != 1 {
            return Err(invalid_token());
        }
        end_open_links(cx, &account_id)?;
        diesel::update(account_rows::table.find(account_id.as_str()))
            .set((
                account_rows::password_hash.eq(&new_hash),
                account_rows::password_changed_at.eq(to_db(cx.now)),
                account_rows::updated_at.eq(to_db(cx.now)),
            ))
            .execute(cx.conn)?;
        // The link came to the account's address: it is proven.
        accounts::mark_email_verified(cx, &account_id, "password_reset")?;
        // A recovery ends every way in made before it (the owner makes new keys and links).
        let ended = super::recovery::end_ways_in(cx, &account_id, "password_reset")?;
        let guard = Guard::new(Credential::Password, &account_id, &cx.client.ip_key());
        throttle::clear_backstop(cx, &guard)?;
        audit::record(
            cx,
            &account_id,
            AuditAction::PasswordReset,
            Some(ended.details()),
        )?;
        let content = Content {
            subject: Some("Your password was changed".into()),
            text: format!(
                "The password of your account ({}) was just reset with a link sent to this \
                 address; every device was signed out and every API key revoked.\n\n\
                 If it was not you, reset it again at once and contact support.\n",
                account.email
            ),
            to: None,
        };
        outbox::enqueue(
            cx,
            Channel::Email,
            &account.email,
            "password_changed",
            &content,
        )?;
        Ok(())
    })
}

/// Deletes reset tokens a day after they ended.
pub fn prune(
    conn: &mut crate::db::DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    Ok(diesel::delete(
        password_resets::table
            .filter(password_resets::expires_at.le(to_db(now - Duration::days(1)))),
    )
    .execute(conn)?)
}
