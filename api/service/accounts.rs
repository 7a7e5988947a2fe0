//! Accounts: sign-up, profile, password change.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::audit::{self, AuditAction};
use super::sessions::{self, IssuedSession};
use super::throttle::{self, Guard, Secret};
use super::{ClientContext, Keys, SessionPolicy, from_db, mfa, new_id, passwords, to_db};
use crate::crypto::password::PasswordHasher;
use crate::db::models::{AccountRow, SessionRow};
use crate::db::schema::accounts;
use crate::db::{DbConnection, write_transaction};
use crate::error::{ApiError, FieldError};

/// An account as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub display_name: Option<String>,
    /// Phone number for SMS codes, E.164.
    #[schema(example = "+4915112345678")]
    pub phone: Option<String>,
    /// WhatsApp number for one-time codes, E.164.
    #[schema(example = "+4915112345678")]
    pub whatsapp_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Account {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            phone: row.phone,
            whatsapp_number: row.whatsapp_number,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        }
    }
}

pub struct SignUp {
    pub email: String,
    pub password: String,
    pub display_name: Option<String>,
}

/// Trimmed, NFC-normalised and lower-cased: one person, one account, however they type it
/// (an "é" typed as one character or as "e" and an accent is the same address).
pub fn normalise_email(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    email.trim().nfc().collect::<String>().to_lowercase()
}

fn check_email(email: &str) -> Option<FieldError> {
    if email.len() > 254 || !email_address::EmailAddress::is_valid(email) || !email.contains('.') {
        return Some(FieldError::new(
            "email",
            "invalid",
            "is not a valid email address",
        ));
    }
    None
}

fn check_display_name(name: &str) -> Option<FieldError> {
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

/// E.164: `+`, a non-zero country digit, 7 to 15 digits in all.
pub fn check_e164(field: &str, number: &str) -> Option<FieldError> {
    let digits = number.strip_prefix('+').unwrap_or("");
    let valid = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    (!valid).then(|| {
        FieldError::new(
            field,
            "invalid_e164",
            "must be an E.164 number such as +4915112345678",
        )
    })
}

/// Checks a sign-up request before any password hashing is spent on it.
pub fn validate_sign_up(input: &mut SignUp) -> Result<(), ApiError> {
    input.email = normalise_email(&input.email);
    let mut errors: Vec<FieldError> = check_email(&input.email).into_iter().collect();
    // Checked as sent, as the schema states it; only then trimmed.
    if let Some(name) = &input.display_name {
        errors.extend(check_display_name(name));
    }
    input.display_name = tidy_display_name(input.display_name.take());
    if let Err(ApiError::Validation { errors: e }) =
        passwords::check_new_password("password", &input.password, &input.email)
    {
        errors.extend(e);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation { errors })
    }
}

pub fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        detail: "An account with this email already exists.".into(),
    }
}

/// Creates the account and its first session. The input must have passed
/// [`validate_sign_up`].
pub fn sign_up(
    conn: &mut DbConnection,
    hasher: &PasswordHasher,
    policy: &SessionPolicy,
    input: SignUp,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(Account, IssuedSession), ApiError> {
    if find_by_email(conn, &input.email)?.is_some() {
        return Err(email_taken());
    }
    let password_hash = hasher.hash(&input.password)?;
    let row = AccountRow {
        id: new_id(),
        email: input.email,
        password_hash,
        display_name: input.display_name,
        phone: None,
        whatsapp_number: None,
        password_changed_at: to_db(now),
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    write_transaction(conn, |conn| {
        diesel::insert_into(accounts::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => email_taken(),
                other => other.into(),
            })?;
        let session = sessions::issue(conn, policy, &row.id, "aal1", &["password"], client, now)?;
        audit::record(
            conn,
            &row.id,
            AuditAction::AccountCreated,
            None,
            client,
            now,
        )?;
        Ok((Account::from(row.clone()), session))
    })
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<AccountRow>, ApiError> {
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
pub fn lock(conn: &mut DbConnection, account_id: &str) -> Result<(), ApiError> {
    let locked = diesel::update(accounts::table.find(account_id))
        .set(accounts::updated_at.eq(accounts::updated_at))
        .execute(conn)?;
    if locked == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, account_id: &str) -> Result<AccountRow, ApiError> {
    Ok(accounts::table
        .find(account_id)
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
/// never their values.
pub fn update_profile(
    conn: &mut DbConnection,
    account_id: &str,
    mut change: ProfileChange,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<Account, ApiError> {
    let mut errors = Vec::new();
    // Checked as sent, as the schema states it; only then trimmed.
    if let Some(Some(name)) = &change.display_name {
        errors.extend(check_display_name(name));
    }
    if let Some(name) = change.display_name.take() {
        change.display_name = Some(tidy_display_name(name));
    }
    if let Some(Some(phone)) = &change.phone {
        errors.extend(check_e164("phone", phone));
    }
    if let Some(Some(number)) = &change.whatsapp_number {
        errors.extend(check_e164("whatsapp_number", number));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation { errors });
    }
    write_transaction(conn, |conn| {
        let mut row = get(conn, account_id)?;
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
        if let Some(v) = change.whatsapp_number
            && v != row.whatsapp_number
        {
            row.whatsapp_number = v;
            changed.push("whatsapp_number");
        }
        if changed.is_empty() {
            return Ok(Account::from(row));
        }
        row.updated_at = to_db(now);
        diesel::update(accounts::table.find(account_id))
            .set((
                accounts::display_name.eq(&row.display_name),
                accounts::phone.eq(&row.phone),
                accounts::whatsapp_number.eq(&row.whatsapp_number),
                accounts::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            account_id,
            AuditAction::ProfileUpdated,
            Some(serde_json::json!({"fields": changed})),
            client,
            now,
        )?;
        Ok(Account::from(row))
    })
}

pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    /// A current second-factor code: required when the account has MFA on.
    pub code: Option<String>,
}

/// Changes the password after checking the current one (and, with MFA on, a current code).
/// Every other session of the account ends, and so do its open login challenges and pending
/// enrolments, which were started with the old password; the current session stays. Wrong
/// passwords and codes count towards the same lockouts as failed logins.
pub fn change_password(
    conn: &mut DbConnection,
    keys: Keys<'_>,
    sessions_policy: &SessionPolicy,
    current: &SessionRow,
    change: PasswordChange,
    client: &ClientContext,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let account_id = current.account_id.as_str();
    let current_session_id = current.id.as_str();
    let account = get(conn, account_id)?;
    passwords::check_new_password("new_password", &change.new_password, &account.email)?;
    let mfa_on = mfa::active_totp(conn, account_id)?.is_some();
    let code = match (mfa_on, change.code.as_deref()) {
        (true, None) => {
            return Err(ApiError::ReauthenticationFailed {
                errors: vec![FieldError::new(
                    "code",
                    "required",
                    "a current authenticator or recovery code is required: MFA is on",
                )],
                attempts_remaining: None,
            });
        }
        (true, Some(code)) => Some(code),
        (false, _) => None,
    };
    passwords::verify_current(conn, keys, &account, &change.current_password, client, now)
        .map_err(|e| match e {
            // This request names its password field `current_password`.
            ApiError::ReauthenticationFailed { .. } => {
                ApiError::reauthentication_failed("current_password")
            }
            other => other,
        })?;
    let new_hash = keys.hasher.hash(&change.new_password)?;
    let apply = |conn: &mut DbConnection, confirmed_with: Option<&str>| {
        diesel::update(accounts::table.find(account_id))
            .set((
                accounts::password_hash.eq(&new_hash),
                accounts::password_changed_at.eq(to_db(now)),
                accounts::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let guard = Guard::new(Secret::Password, account_id, &client.ip_key());
        throttle::clear_account(conn, &guard)?;
        let revoked = sessions::revoke_all_except(
            conn,
            sessions_policy,
            account_id,
            Some(current_session_id),
            now,
        )?;
        let challenges = mfa::challenges::end_open(conn, account_id, now)?;
        let enrolments = mfa::factors::discard_pending(conn, account_id)?;
        audit::record(
            conn,
            account_id,
            AuditAction::PasswordChanged,
            Some(serde_json::json!({
                "sessions_revoked": revoked,
                "challenges_ended": challenges,
                "pending_factors_discarded": enrolments,
                "confirmed_with": confirmed_with,
            })),
            client,
            now,
        )
    };
    match code {
        Some(code) => mfa::step_up::with_second_factor(
            conn,
            keys.sealer,
            keys.policy,
            account_id,
            code,
            client,
            now,
            |conn, method| apply(conn, Some(method.name())),
        ),
        None => write_transaction(conn, |conn| apply(conn, None)),
    }
}
