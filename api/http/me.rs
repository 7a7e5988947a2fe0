use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::extract::Reader;
use super::views::accounts::Account;
use super::views::orgs::ManagedBy;
use crate::openapi::responses::*;
use crate::service::accounts::{self, ProfileChange};
use crate::service::api_keys::Scope;
use crate::service::orgs;
use crate::service::passwords::{self, PasswordChange};
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, Secret, mfa};
use crate::state::AppState;

/// The signed-in account's profile.
#[utoipa::path(
    operation_id = "getMe",
    tag = "me",
    responses(
        (status = 200, description = "The account", body = Me),
        Errors<(Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = []), ("api_key" = [])),
)]
#[get("/v1/me")]
pub async fn get(state: web::Data<AppState>, reader: Reader) -> Result<HttpResponse, ApiError> {
    reader.require(Scope::ProfileRead)?;
    let id = reader.account.id.clone();
    let managed_by = state
        .read(ClientInfo::default(), move |cx| {
            orgs::managed_by(cx.conn, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Me {
        account: reader.account.into(),
        managed_by: managed_by.map(Into::into),
    }))
}

/// The signed-in account, with the organisation that manages it.
#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub account: Account,
    /// The organisation that created and manages the account (it may reset its MFA; the
    /// account cannot leave it); null for a personal account.
    pub managed_by: Option<ManagedBy>,
}

/// Present-and-null means "clear"; absent means "leave as it is".
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Ada", "phone": "+4915112345678"}))]
pub struct UpdateProfileRequest {
    /// Up to 100 characters, no control characters; blank or null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub display_name: Option<Option<String>>,
    /// E.164 number for SMS codes; null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "+4915112345678", pattern = r"^\+[1-9][0-9]{6,14}$")]
    pub phone: Option<Option<String>>,
    /// E.164 number for WhatsApp codes; null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "+4915112345678", pattern = r"^\+[1-9][0-9]{6,14}$")]
    pub whatsapp_number: Option<Option<String>>,
    /// The account's current password: required to set, change or clear `whatsapp_number`
    /// (a proven number receives login codes).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with `whatsapp_number` once MFA is
    /// on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Update the profile. Fields left out stay as they are; null clears a field. Setting,
/// changing or clearing `whatsapp_number` needs `password`, and `code` once MFA is on (403
/// `reauthentication_failed` naming the field otherwise), as adding a factor does.
#[utoipa::path(
    operation_id = "updateMe",
    tag = "me",
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The updated account", body = Account),
        Errors<(JsonBody, Unauthenticated, Forbidden, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[patch("/v1/me")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<UpdateProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let change = ProfileChange {
        display_name: body.display_name,
        phone: body.phone,
        whatsapp_number: body.whatsapp_number,
    };
    // Only a change of the WhatsApp number checks a password.
    let confirms = change.whatsapp_number.is_some();
    let account = state
        .run_confirming(client, confirms, move |cx| {
            accounts::update_profile(cx, &caller, change, confirmation)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Account::from(account)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "correct horse battery staple", "new_password": "a brand new passphrase", "code": "123456"}))]
pub struct ChangePasswordRequest {
    /// Left out: 403 `reauthentication_failed` naming it, as a wrong one is.
    #[schema(value_type = String)]
    pub current_password: Option<Secret>,
    /// 8 to 256 characters, not a common or easily guessed password (else 422).
    #[schema(value_type = String, min_length = 8, max_length = 256)]
    pub new_password: Secret,
    /// A current authenticator code or an unused recovery code: required when MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
    /// Also revoke every API key of the account (default false), when they may have leaked
    /// with the old password.
    #[serde(default)]
    pub revoke_api_keys: bool,
}

/// Change the password.
///
/// Needs the current password, and with MFA on a current code too; a wrong or missing one
/// answers 403 `reauthentication_failed` with `errors` naming it (the session stays valid).
/// Every other session of the account is signed out, and its open login challenges and
/// pending enrolments end; this session stays.
#[utoipa::path(
    operation_id = "changePassword",
    tag = "me",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        Errors<(JsonBody, Unauthenticated, Forbidden, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(current) = &body.current_password {
        passwords::check_size("current_password", current)?;
    }
    passwords::check_size("new_password", &body.new_password)?;
    if let Some(code) = &body.code {
        mfa::check_code_shape("code", code)?;
    }
    let change = PasswordChange {
        current_password: body.current_password,
        new_password: body.new_password,
        code: body.code,
        revoke_api_keys: body.revoke_api_keys,
    };
    state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| passwords::change(cx, &caller, change),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct WhatsappVerification {
    /// The code sent by WhatsApp when the number was set.
    #[schema(value_type = String, pattern = r"^[0-9]{6}$")]
    pub code: Secret,
}

/// Prove the profile's WhatsApp number with the code sent to it when it was set (`PATCH
/// /v1/me`). A proven number can then receive login codes, when the account has MFA on. A
/// wrong code is 403 `reauthentication_failed`; the code dies after 5 wrong tries or 10
/// minutes (set the number again for a new one).
#[utoipa::path(
    operation_id = "verifyWhatsappNumber",
    tag = "me",
    request_body = WhatsappVerification,
    responses(
        (status = 200, description = "The number is proven", body = Account),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/whatsapp/verify")]
pub async fn verify_whatsapp(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): Body<WhatsappVerification>,
) -> Result<HttpResponse, ApiError> {
    mfa::check_code_shape("code", &body.code)?;
    let account = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            accounts::verify_whatsapp(cx, caller.account_id(), &body.code)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Account::from(account)))
}
