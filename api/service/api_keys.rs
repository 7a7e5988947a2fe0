//! Personal API keys: `tsk_<prefix>_<secret>`, shown once and kept as a digest, for scripts
//! and integrations that read the account's own data. A key opens only the read calls its
//! scopes name — never MFA, password or key management — and its uses show in the login
//! history (at most once an hour a key).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::accounts::Account;
use super::alerts::{self, WayIn};
use super::audit::{self, AuditAction};
use super::context::{Context, Tx};
use super::error::{Error, FieldError, Result};
use super::history::{self, Attempt, LoginMethod};
use super::ids::{AccountId, row_id};
use super::mfa::step_up::{self, Confirmation, Requirement};
use super::operators;
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::secret::Secret;
use super::sessions::Caller;
use crate::crypto::tokens::{random_bytes, token_digest};
use crate::db::models::{AccountRow, ApiKeyRow};
use crate::db::schema::{accounts, api_keys};
use crate::db::{from_db, to_db};
use crate::error_code::ErrorCode;

pub const TOKEN_PREFIX: &str = "tsk_";

/// What a key may read. Kept in the key's row as JSON, by its API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// `GET /v1/me`.
    #[serde(rename = "profile:read")]
    ProfileRead,
    /// `GET /v1/me/sessions`.
    #[serde(rename = "sessions:read")]
    SessionsRead,
    /// `GET /v1/me/login-history`.
    #[serde(rename = "login_history:read")]
    LoginHistoryRead,
    /// `GET /v1/me/audit-log`.
    #[serde(rename = "audit_log:read")]
    AuditLogRead,
}

impl Scope {
    /// As the API names it (`profile:read`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::ProfileRead => "profile:read",
            Scope::SessionsRead => "sessions:read",
            Scope::LoginHistoryRead => "login_history:read",
            Scope::AuditLogRead => "audit_log:read",
        }
    }

    pub const ALL: [Scope; 4] = [
        Scope::ProfileRead,
        Scope::SessionsRead,
        Scope::LoginHistoryRead,
        Scope::AuditLogRead,
    ];
}

/// A key as its owner sees it: never the secret.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The start of the key (`tsk_ab12cd34`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address the key was last used from.
    pub last_used_ip: Option<String>,
    /// The user agent the key was last used with.
    pub last_used_user_agent: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new or rotated key: the only time its secret is shown.
#[derive(Debug)]
pub struct IssuedApiKey {
    pub key: ApiKey,
    /// The whole key, `tsk_<prefix>_<secret>`. Shown only here.
    pub secret: Secret,
}

/// Who is calling with a key.
#[derive(Debug, Clone)]
pub struct KeyCaller {
    pub account: Account,
    pub key_id: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn view(row: &ApiKeyRow) -> ApiKey {
    ApiKey {
        id: row.id.clone(),
        name: row.name.clone(),
        prefix: row.prefix.clone(),
        scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
        created_at: from_db(row.created_at),
        last_used_at: row.last_used_at.map(from_db),
        last_used_ip: row.last_used_ip.clone(),
        last_used_user_agent: row.last_used_user_agent.clone(),
        expires_at: row.expires_at.map(from_db),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh key: its display prefix, the whole key, and its digest.
fn mint() -> (String, Secret, String) {
    use base64::Engine;
    let prefix = format!("{TOKEN_PREFIX}{}", hex(&random_bytes::<4>()));
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let key = Secret::new(format!("{prefix}_{secret}"));
    let digest = token_digest(key.expose());
    (prefix, key, digest)
}

/// Creates a key (default: every read scope).
pub fn create(
    cx: &mut Context<'_>,
    caller: &Caller,
    name: &str,
    scopes: Option<Vec<Scope>>,
    expires_at: Option<DateTime<Utc>>,
    confirmation: Confirmation,
) -> Result<IssuedApiKey> {
    let mut errors = Vec::new();
    if name.trim().is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            "invalid",
            "must be 1 to 100 characters without control characters",
        ));
    }
    let mut scopes = scopes.unwrap_or_else(|| Scope::ALL.to_vec());
    scopes.sort_by_key(|s| Scope::ALL.iter().position(|a| a == s));
    scopes.dedup();
    if scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            "empty",
            "name at least one scope, or leave it out for all",
        ));
    }
    if expires_at.is_some_and(|at| at <= cx.now) {
        errors.push(FieldError::new(
            "expires_at",
            "in_the_past",
            "must be in the future",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::invalid(errors));
    }
    let proof = confirmation.proof(caller.session_id.clone());
    let verified = step_up::verify(
        cx,
        caller.account_id(),
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
    )?;
    let (prefix, secret, digest) = mint();
    let row = ApiKeyRow {
        id: row_id(),
        account_id: caller.account_id().to_string(),
        name: name.trim().to_string(),
        prefix,
        secret_digest: digest,
        scopes: serde_json::to_string(&scopes).map_err(Error::internal)?,
        created_at: to_db(cx.now),
        expires_at: expires_at.map(to_db),
        last_used_at: None,
        last_logged_at: None,
        last_used_ip: None,
        last_used_user_agent: None,
    };
    verified.apply(cx, |cx, _| {
        diesel::insert_into(api_keys::table)
            .values(&row)
            .execute(cx.conn)?;
        let details = serde_json::json!({"key_id": row.id, "name": row.name, "prefix": row.prefix});
        audit::record(
            cx,
            caller.account_id(),
            AuditAction::ApiKeyCreated,
            Some(details),
        )?;
        alerts::way_in_added(cx, caller.account_id(), WayIn::ApiKey(&row.name))?;
        Ok(IssuedApiKey {
            key: view(&row),
            secret,
        })
    })
}

pub fn list(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    page: &PageRequest,
) -> Result<Page<ApiKey>> {
    let rows = crate::keyset_page!(
        api_keys::table
            .filter(api_keys::account_id.eq(account_id.as_str()))
            .select(ApiKeyRow::as_select()),
        api_keys::created_at,
        api_keys::id,
        page
    )
    .load::<ApiKeyRow>(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.created_at, &r.id),
        |r| view(&r),
    ))
}

fn owned(cx: &mut Context<'_>, account_id: &AccountId, key_id: &str) -> Result<ApiKeyRow> {
    api_keys::table
        .find(key_id)
        .filter(api_keys::account_id.eq(account_id.as_str()))
        .select(ApiKeyRow::as_select())
        .first(cx.conn)
        .optional()?
        .ok_or_else(|| Error::denied(ErrorCode::NotFound))
}

/// A new secret for the key; the old one stops working at once. A new secret is a new way
/// in: it asks what making a key asks.
pub fn rotate(
    cx: &mut Context<'_>,
    caller: &Caller,
    key_id: &str,
    confirmation: Confirmation,
) -> Result<IssuedApiKey> {
    owned(cx, caller.account_id(), key_id)?;
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::verify(
        cx,
        caller.account_id(),
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
    )?
    .apply(cx, |cx, _| {
        let mut row = owned(cx, caller.account_id(), key_id)?;
        let (prefix, secret, digest) = mint();
        diesel::update(api_keys::table.find(&row.id))
            .set((
                api_keys::prefix.eq(&prefix),
                api_keys::secret_digest.eq(&digest),
            ))
            .execute(cx.conn)?;
        row.prefix = prefix;
        let details = serde_json::json!({"key_id": row.id, "name": row.name, "prefix": row.prefix});
        audit::record(
            cx,
            caller.account_id(),
            AuditAction::ApiKeyRotated,
            Some(details),
        )?;
        alerts::way_in_added(cx, caller.account_id(), WayIn::ApiKey(&row.name))?;
        Ok(IssuedApiKey {
            key: view(&row),
            secret,
        })
    })
}

pub fn delete(cx: &mut Context<'_>, caller: &Caller, key_id: &str) -> Result<()> {
    cx.transaction(|cx| {
        let row = owned(cx, caller.account_id(), key_id)?;
        diesel::delete(api_keys::table.find(&row.id)).execute(cx.conn)?;
        let details = serde_json::json!({"key_id": row.id, "name": row.name, "prefix": row.prefix});
        audit::record(
            cx,
            caller.account_id(),
            AuditAction::ApiKeyDeleted,
            Some(details),
        )
    })
}

/// Deletes every key of the account (a password reset, or a change that asks for it):
/// returns how many, and the audit log records them with the reason.
pub fn revoke_all(cx: &mut Tx<'_>, account_id: &AccountId, reason: &str) -> Result<usize> {
    let revoked =
        diesel::delete(api_keys::table.filter(api_keys::account_id.eq(account_id.as_str())))
            .execute(cx.conn)?;
    if revoked > 0 {
        audit::record(
            cx,
            account_id,
            AuditAction::ApiKeysRevoked,
            Some(serde_json::json!({"revoked": revoked, "reason": reason})),
        )?;
    }
    Ok(revoked)
}

pub fn is_api_key(token: &Secret) -> bool {
    token.expose().starts_with(TOKEN_PREFIX)
}

/// Who is calling with this key: 401 for an unknown, deleted or expired key, or a frozen
/// account. One indexed read; `last_used_at` is written at most once a minute, and a login
/// history entry at most once an hour.
pub fn authenticate(cx: &mut Context<'_>, token: &Secret) -> Result<KeyCaller> {
    let unauthenticated = || {
        Error::denied_because(
            ErrorCode::Unauthenticated,
            "The API key is unknown, expired or revoked.",
        )
    };
    if !is_api_key(token) || token.expose().len() > 128 {
        return Err(unauthenticated());
    }
    let digest = token_digest(token.expose());
    let (key, account): (ApiKeyRow, AccountRow) = api_keys::table
        .inner_join(accounts::table)
        .filter(api_keys::secret_digest.eq(&digest))
        .select((ApiKeyRow::as_select(), AccountRow::as_select()))
        .first(cx.conn)
        .optional()?
        .ok_or_else(unauthenticated)?;
    if key.expires_at.is_some_and(|at| from_db(at) <= cx.now) {
        return Err(unauthenticated());
    }
    operators::refuse_if_frozen(&account).map_err(|_| unauthenticated())?;
    // Both marks are checked on the row just read, so a key used many times a minute from
    // one place costs no write; a use from another address or agent is written at once (and
    // goes to the login history), so the owner sees where the key was used last. The updates
    // stay conditional for instances racing on the same key, and best-effort: a busy database
    // must not refuse a key.
    let stale = |mark: Option<chrono::NaiveDateTime>, age: Duration| {
        mark.is_none_or(|at| from_db(at) <= cx.now - age)
    };
    let ip = cx.client.ip.clone();
    let user_agent = cx.client.user_agent.clone();
    let moved = key.last_used_ip != ip || key.last_used_user_agent != user_agent;
    if moved || stale(key.last_used_at, Duration::minutes(1)) {
        let minute_ago = to_db(cx.now - Duration::minutes(1));
        let mut update = diesel::update(api_keys::table.find(&key.id)).into_boxed();
        if !moved {
            update = update.filter(
                api_keys::last_used_at
                    .is_null()
                    .or(api_keys::last_used_at.le(minute_ago)),
            );
        }
        let _ = update
            .set((
                api_keys::last_used_at.eq(Some(to_db(cx.now))),
                api_keys::last_used_ip.eq(&ip),
                api_keys::last_used_user_agent.eq(&user_agent),
            ))
            .execute(cx.conn);
    }
    let mut logged = 0;
    if moved || stale(key.last_logged_at, Duration::hours(1)) {
        let hour_ago = to_db(cx.now - Duration::hours(1));
        let mut update = diesel::update(api_keys::table.find(&key.id)).into_boxed();
        if !moved {
            update = update.filter(
                api_keys::last_logged_at
                    .is_null()
                    .or(api_keys::last_logged_at.le(hour_ago)),
            );
        }
        logged = update
            .set(api_keys::last_logged_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn)
            .unwrap_or(0);
    }
    let account_id = AccountId::from(account.id.clone());
    if logged == 1 {
        let attempt = Attempt {
            account_id: Some(&account_id),
            email: &account.email,
            method: LoginMethod::ApiKey,
            failure: None,
            second_factor: None,
        };
        // The entry and the webhook it sends, together.
        if let Err(e) = cx.transaction(|tx| history::record(tx, attempt)) {
            tracing::debug!(error = %e, "api key use not recorded");
        }
    }
    Ok(KeyCaller {
        scopes: serde_json::from_str(&key.scopes).unwrap_or_default(),
        created_at: from_db(key.created_at),
        expires_at: key.expires_at.map(from_db),
        key_id: key.id,
        account: account.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::totp::{self, TotpParams};
    use crate::service::accounts::{self, SignUp};
    use crate::service::mfa::enrolment;
    use crate::service::mfa::tickets::Enroller;
    use crate::service::sessions::Aal;
    use crate::service::testing::{World, client};

    #[test]
    fn scope_names_are_the_api_names() {
        for scope in Scope::ALL {
            assert_eq!(
                serde_json::to_value(scope).unwrap(),
                serde_json::json!(scope.name())
            );
        }
    }

    #[test]
    fn keys_need_the_password_and_with_mfa_on_a_code() {
        let mut world = World::fresh();
        let client = client("203.0.113.9");
        let mut cx = world.at(&client);
        let password = Secret::new("correct horse battery staple");
        let (account, issued) = accounts::sign_up(
            &mut cx,
            SignUp {
                email: "ada@example.com".into(),
                password: password.clone(),
                display_name: None,
            },
        )
        .unwrap();
        let caller = Caller {
            account,
            session_id: issued.expect("a session").session.id,
            aal: Aal::Aal1,
        };
        let with = |password: Option<&Secret>, code: Option<String>| Confirmation {
            password: password.cloned(),
            code: code.map(Secret::new),
        };
        let refused = create(
            &mut cx,
            &caller,
            "no password",
            None,
            None,
            with(None, None),
        )
        .expect_err("a session alone makes no key");
        assert_eq!(refused.code(), ErrorCode::ReauthenticationFailed);
        assert!(
            create(
                &mut cx,
                &caller,
                "before MFA",
                None,
                None,
                with(Some(&password), None)
            )
            .is_ok()
        );

        let enroller = Enroller::Session(caller.clone());
        let enrolment =
            enrolment::start_totp(&mut cx, &enroller, with(Some(&password), None)).unwrap();
        let secret = totp::decode_secret(enrolment.secret.expose()).unwrap();
        let params = TotpParams::authenticator_app();
        let code_at = |at: i64| totp::code_at_step(&secret, totp::time_step(at, params), params);
        let now = Secret::new(code_at(cx.now.timestamp()));
        enrolment::activate(&mut cx, &enroller, &enrolment.factor_id, &now).unwrap();

        let refused = create(
            &mut cx,
            &caller,
            "after MFA",
            None,
            None,
            with(Some(&password), None),
        )
        .expect_err("the password alone, with MFA on");
        assert_eq!(refused.code(), ErrorCode::ReauthenticationFailed);
        let next = code_at(cx.now.timestamp() + 30);
        cx.now += Duration::seconds(30);
        assert!(
            create(
                &mut cx,
                &caller,
                "after MFA",
                None,
                None,
                with(Some(&password), Some(next))
            )
            .is_ok()
        );
    }
}
