//! Accounts: sign-up, lookup, the profile.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::audit::{self, AuditAction};
use super::context::{Context, Decision, Tx};
use super::error::{Error, FieldError, Result};
use super::history::LoginMethod;
use super::ids::AccountId;
use super::mfa::sent_codes::{self, Purpose, Target};
use super::mfa::step_up::{self, Confirmation, Requirement};
use super::outbox::Channel;
use super::passwords;
use super::phone_numbers;
use super::secret::Secret;
use super::sessions::{self, Aal, Caller, IssuedSession};
use super::throttle::{self, Credential, Guard};
use crate::db::models::AccountRow;
use crate::db::schema::accounts;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

/// An account as its owner sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    /// Whether the email address is proven: by the code or link sent to it, a password reset
    /// or an invitation it received, or the organisation's identity provider.
    pub email_verified: bool,
    /// When the email address was proven; null until then.
    pub email_verified_at: Option<DateTime<Utc>>,
    pub display_name: Option<String>,
    /// Phone number for SMS codes, E.164.
    pub phone: Option<String>,
    /// WhatsApp number for one-time codes, E.164. Setting it sends a code to it (when the
    /// server sends WhatsApp messages); `POST /v1/me/whatsapp/verify` proves it.
    pub whatsapp_number: Option<String>,
    /// When the WhatsApp number was proven; null until then. A proven number can receive
    /// login codes for an account with MFA on.
    pub whatsapp_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Account {
            id: AccountId::from(row.id),
            email: row.email,
            email_verified: row.email_verified_at.is_some(),
            email_verified_at: row.email_verified_at.map(from_db),
            display_name: row.display_name,
            phone: row.phone,
            whatsapp_number: row.whatsapp_number,
            whatsapp_verified_at: row.whatsapp_verified_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        }
    }
}

pub struct SignUp {
    pub email: String,
    pub password: Secret,
    pub display_name: Option<String>,
}

/// Trimmed, NFC-normalised and lower-cased: one person, one account, however they type it
/// (an "é" typed as one character or as "e" and an accent is the same address).
pub fn normalise_email(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    email.trim().nfc().collect::<String>().to_lowercase()
}

pub(crate) fn check_email(email: &str) -> Option<FieldError> {
    if email.len() > 254 || !email_address::EmailAddress::is_valid(email) || !email.contains('.') {
        return Some(FieldError::new(
            "email",
            "invalid",
            "is not a valid email address",
        ));
    }
    None
}

pub(crate) fn check_display_name(name: &str) -> Option<FieldError> {
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Some(FieldError::new(
            "display_name",
            "invalid",
            "must be at most 100 characters without control characters",
        ));
    }
    None
}

/// Trimmed; blank means no name.
fn tidy_display_name(name: Option<String>) -> Option<String> {
    name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty())
}

/// Checks a sign-up request before any password hashing is spent on it.
pub fn validate_sign_up(input: &mut SignUp) -> Result<()> {
    input.email = normalise_email(&input.email);
    let mut errors: Vec<FieldError> = check_email(&input.email).into_iter().collect();
    // Checked as sent, as the schema states it; only then trimmed.
    if let Some(name) = &input.display_name {
        errors.extend(check_display_name(name));
    }
    input.display_name = tidy_display_name(input.display_name.take());
    errors.extend(passwords::problem_with_new(
        "password",
        input.password.expose(),
        &input.email,
    ));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(errors))
    }
}

pub(crate) fn email_taken() -> Error {
    Error::denied_because(
        ErrorCode::EmailTaken,
        "An account with this email already exists.",
    )
}

/// Creates the account, sends it a code and link to prove its address, and signs it in —
/// unless the server signs in only proven addresses (`require_verified_email`): then no
/// session. The input must have passed [`validate_sign_up`].
pub fn sign_up(cx: &mut Context<'_>, input: SignUp) -> Result<(Account, Option<IssuedSession>)> {
    if find_by_email(cx.conn, &input.email)?.is_some() {
        return Err(email_taken());
    }
    let password_hash = cx.env.hasher.hash(input.password.expose())?;
    let now = cx.now;
    let row = AccountRow {
        id: AccountId::generate().into(),
        email: input.email.clone(),
        password_hash,
        display_name: input.display_name.clone(),
        phone: None,
        whatsapp_number: None,
        password_changed_at: to_db(now),
        created_at: to_db(now),
        updated_at: to_db(now),
        mfa_disabled_at: None,
        mfa_first_enabled_at: None,
        mfa_disabled_by: None,
        frozen_at: None,
        whatsapp_verified_at: None,
        email_verified_at: None,
        managed_by_org_id: None,
    };
    cx.transaction(|cx| {
        diesel::insert_into(accounts::table)
            .values(&row)
            .execute(cx.conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => email_taken(),
                other => other.into(),
            })?;
        let account = Account::from(row.clone());
        let session = if cx.env.require_verified_email {
            None
        } else {
            Some(sessions::issue(
                cx,
                &account.id,
                Aal::Aal1,
                LoginMethod::Password,
                None,
            )?)
        };
        audit::record(cx, &account.id, AuditAction::AccountCreated, None)?;
        super::alerts::first_device(cx, &account.id)?;
        super::email_verification::send_to_new_account(cx, &account.id, &account.email)?;
        Ok((account, session))
    })
}

/// Proves the profile's WhatsApp number with the code sent to it when it was set: from then
/// on, an account with MFA on can receive login codes there. A wrong code is 403
/// `reauthentication_failed` and counts towards the code's 5 tries.
pub fn verify_whatsapp(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    code: &Secret,
) -> Result<Account> {
    cx.decide(|cx| {
        lock(cx.conn, account_id)?;
        let row = get(cx.conn, account_id)?;
        if row.whatsapp_number.is_none() {
            return Err(Error::invalid(vec![FieldError::new(
                "code",
                "no_number",
                "set `whatsapp_number` first; a code is sent to it",
            )]));
        }
        // Nothing was sent to check a code against: say so, rather than that the code is wrong.
        if !cx.env.channels.whatsapp {
            return Err(Error::denied_because(
                ErrorCode::ChannelUnavailable,
                "This server sends no WhatsApp messages, so no code was sent to the number.",
            ));
        }
        // Counted with the account's other codes: the lockouts bound guessing here too.
        let guard = Guard::new(Credential::SecondFactor, account_id, &cx.client.ip_key());
        let ticket = match throttle::admit(cx, &guard)? {
            Decision::Done(ticket) => ticket,
            Decision::Refused(locked) => return Ok(Decision::Refused(locked)),
        };
        if !sent_codes::use_code(
            cx,
            Target::ProfileWhatsapp(account_id),
            Purpose::Verification,
            code,
        )? {
            throttle::reject(cx, &guard, ticket)?;
            return Ok(Decision::Refused(
                Error::denied(ErrorCode::ReauthenticationFailed).with(|d| {
                    d.errors = vec![FieldError::new(
                        "code",
                        "invalid",
                        "is wrong, expired or already used",
                    )];
                }),
            ));
        }
        throttle::undo(cx, &guard)?;
        diesel::update(accounts::table.find(account_id.as_str()))
            .set(accounts::whatsapp_verified_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn)?;
        audit::record(
            cx,
            account_id,
            AuditAction::WhatsappVerified,
            Some(serde_json::json!({"number": sent_codes::mask(row.whatsapp_number.as_deref().unwrap_or_default())})),
        )?;
        super::alerts::way_in_added(cx, account_id, super::alerts::WayIn::WhatsappNumber)?;
        Ok(Decision::Done(Account::from(get(cx.conn, account_id)?)))
    })
}

/// Marks the account's address proven, in the transaction of the proof: a code or link sent
/// to it came back, or a password reset link or an invitation sent to it was used. Audited
/// once as `email.verified`, naming `via`; returns whether it was unproven until now.
pub(crate) fn mark_email_verified(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    via: &str,
) -> Result<bool> {
    let marked = diesel::update(
        accounts::table
            .find(account_id.as_str())
            .filter(accounts::email_verified_at.is_null()),
    )
    .set(accounts::email_verified_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?;
    if marked == 1 {
        audit::record(
            cx,
            account_id,
            AuditAction::EmailVerified,
            Some(serde_json::json!({"via": via})),
        )?;
    }
    Ok(marked == 1)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<AccountRow>> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// Inside a write transaction: waits for, then holds until the end, the account's row lock,
/// so that changes to one account's factors happen one after the other. (PostgreSQL; SQLite's
/// write transactions are serial already. A no-op update, because diesel's multi-backend
/// connection has no `FOR UPDATE`.)
pub fn lock(conn: &mut DbConnection, account_id: &AccountId) -> Result<()> {
    let locked = diesel::update(accounts::table.find(account_id.as_str()))
        .set(accounts::updated_at.eq(accounts::updated_at))
        .execute(conn)?;
    if locked == 0 {
        return Err(Error::denied(ErrorCode::NotFound));
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, account_id: &AccountId) -> Result<AccountRow> {
    Ok(accounts::table
        .find(account_id.as_str())
        .select(AccountRow::as_select())
        .first(conn)?)
}

/// A profile change: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub display_name: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub whatsapp_number: Option<Option<String>>,
}

/// Changes the profile; the change is audited with the names of the fields that changed,
/// never their values. The WhatsApp number receives login codes once proven, so setting,
/// changing or clearing it asks what adding a factor asks: the password, and a current code
/// once MFA is on.
pub fn update_profile(
    cx: &mut Context<'_>,
    caller: &Caller,
    mut change: ProfileChange,
    confirmation: Confirmation,
) -> Result<Account> {
    let account_id = caller.account_id();
    let mut errors = Vec::new();
    // Checked as sent, as the schema states it; only then trimmed.
    if let Some(Some(name)) = &change.display_name {
        errors.extend(check_display_name(name));
    }
    if let Some(name) = change.display_name.take() {
        change.display_name = Some(tidy_display_name(name));
    }
    if let Some(Some(phone)) = &change.phone {
        errors.extend(phone_numbers::check_e164("phone", phone));
    }
    if let Some(Some(number)) = &change.whatsapp_number {
        errors.extend(phone_numbers::check_destination(
            &cx.env.phone_numbers,
            Channel::Whatsapp,
            "whatsapp_number",
            number,
        ));
    }
    if !errors.is_empty() {
        return Err(Error::invalid(errors));
    }
    if let Some(Some(number)) = &mut change.whatsapp_number {
        *number = phone_numbers::normalise(number);
    }
    let current = get(cx.conn, account_id)?;
    if change
        .whatsapp_number
        .as_ref()
        .is_some_and(|number| *number != current.whatsapp_number)
    {
        let proof = confirmation.proof(caller.session_id.clone());
        return step_up::verify(
            cx,
            account_id,
            &proof,
            Requirement::PasswordAndCodeIfMfaIsOn,
        )?
        .apply(cx, |cx, _| apply_profile_change(cx, account_id, change));
    }
    cx.transaction(|cx| apply_profile_change(cx, account_id, change))
}

fn apply_profile_change(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    change: ProfileChange,
) -> Result<Account> {
    let mut row = get(cx.conn, account_id)?;
    let mut changed = Vec::new();
    if let Some(v) = change.display_name
        && v != row.display_name
    {
        row.display_name = v;
        changed.push("display_name");
    }
    if let Some(v) = change.phone
        && v != row.phone
    {
        row.phone = v;
        changed.push("phone");
    }
    let mut prove_whatsapp = false;
    if let Some(v) = change.whatsapp_number
        && v != row.whatsapp_number
    {
        // A new number is unproven until a code sent to it comes back.
        prove_whatsapp = v.is_some() && cx.env.channels.whatsapp;
        row.whatsapp_number = v;
        row.whatsapp_verified_at = None;
        changed.push("whatsapp_number");
    }
    if changed.is_empty() {
        return Ok(Account::from(row));
    }
    row.updated_at = to_db(cx.now);
    diesel::update(accounts::table.find(account_id.as_str()))
        .set((
            accounts::display_name.eq(&row.display_name),
            accounts::phone.eq(&row.phone),
            accounts::whatsapp_number.eq(&row.whatsapp_number),
            accounts::whatsapp_verified_at.eq(row.whatsapp_verified_at),
            accounts::updated_at.eq(row.updated_at),
        ))
        .execute(cx.conn)?;
    if changed.contains(&"whatsapp_number") {
        sent_codes::end_profile_codes(cx, account_id)?;
    }
    if prove_whatsapp {
        sent_codes::send(
            cx,
            Target::ProfileWhatsapp(account_id),
            Purpose::Verification,
        )?;
    }
    audit::record(
        cx,
        account_id,
        AuditAction::ProfileUpdated,
        Some(serde_json::json!({"fields": changed})),
    )?;
    Ok(Account::from(row))
}
