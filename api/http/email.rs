//! Proving the account's email address, and moving it to a new one.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::views::email::{EmailVerified, VerificationSent};
use crate::error_code::ErrorCode;
use crate::openapi::responses::*;
use crate::service::email_verification::{self, EmailChange, Purpose};
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, Error, FieldError, Secret, mfa};
use crate::state::AppState;

/// The emailed link's token, or the emailed code: one of the two.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "tsv_…"}))]
pub struct EmailProof {
    /// The token of the emailed link (`tsv_…`).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 128)]
    pub token: Option<Secret>,
    /// The 6-digit code of the email.
    #[schema(value_type = Option<String>, pattern = r"^[0-9]{6}$")]
    pub code: Option<Secret>,
}

enum Proven {
    Token(Secret),
    Code(Secret),
}

impl EmailProof {
    fn into_proof(self) -> Result<Proven, ApiError> {
        let one_of = |field: &str| {
            ApiError::from(Error::invalid(vec![FieldError::new(
                field,
                "one_of",
                "give either `token` or `code`",
            )]))
        };
        match (self.token, self.code) {
            (Some(token), None) => Ok(Proven::Token(token)),
            (None, Some(code)) => {
                mfa::check_code_shape("code", &code)?;
                Ok(Proven::Code(code))
            }
            (Some(_), Some(_)) => Err(one_of("code")),
            (None, None) => Err(one_of("token")),
        }
    }
}

/// Prove the account's email address.
///
/// With the `token` of the emailed link, no session is needed (and a link sent for an address
/// change completes that change). With the 6-digit `code`, the request must be signed in (401
/// otherwise). 400 `email_verification_invalid` for a wrong, used, replaced or expired link or
/// code (a wrong code says `attempts_remaining`: it dies after 5; wrong codes also count
/// towards the account's lockouts, 429 `too_many_attempts`); 409 `email_already_verified`.
#[utoipa::path(
    operation_id = "verifyEmail",
    tag = "auth",
    request_body = EmailProof,
    responses(
        (status = 200, description = "The address is proven", body = EmailVerified),
        Errors<(JsonBody, Unauthenticated, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security((), ("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/auth/email/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    client: ClientInfo,
    caller: Option<Caller>,
    Body(body): Body<EmailProof>,
) -> Result<HttpResponse, ApiError> {
    let proof = body.into_proof()?;
    let verified = match proof {
        Proven::Token(token) => {
            state
                .run(client, move |cx| {
                    rate_limit::take(cx, &[Kind::Code])?;
                    email_verification::verify_token(cx, &token)
                })
                .await?
        }
        Proven::Code(code) => {
            let caller = caller.ok_or_else(|| Error::denied(ErrorCode::Unauthenticated))?;
            state
                .run(client, move |cx| {
                    rate_limit::take(cx, &[Kind::Code])?;
                    email_verification::verify_code(cx, &caller, Purpose::Verify, &code)
                })
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(EmailVerified::from(verified)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com"}))]
pub struct VerificationRequest {
    #[schema(max_length = 254)]
    pub email: String,
}

/// Ask for a new verification email without a session (for sign-in that waits for a proven
/// address). Always 202, whether or not the email has an account or is proven already (no one
/// learns who has one); if it has an unproven one, a new code and link go to it (within the
/// limits: one every 30 seconds, 5 an hour per account) and older ones stop working.
#[utoipa::path(
    operation_id = "requestEmailVerification",
    tag = "auth",
    request_body = VerificationRequest,
    responses(
        (status = 202, description = "If the email has an unproven account, a link is on its way"),
        Errors<(JsonBody, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/email/verification")]
pub async fn request_verification(
    state: web::Data<AppState>,
    client: ClientInfo,
    Body(body): Body<VerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Password])?;
            email_verification::resend_by_email(cx, &body.email)
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Send the signed-in account a new verification email: a new code and link, and the older
/// ones stop working. 409 `email_already_verified`; 429 `rate_limited` with `Retry-After`
/// within 30 seconds of the last one or past 5 an hour.
#[utoipa::path(
    operation_id = "resendEmailVerification",
    tag = "me",
    responses(
        (status = 202, description = "The email is on its way", body = VerificationSent),
        Errors<(Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/email/verification")]
pub async fn resend(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
) -> Result<HttpResponse, ApiError> {
    let sent = state
        .run(client, move |cx| {
            email_verification::resend(cx, caller.account_id())
        })
        .await?;
    Ok(HttpResponse::Accepted().json(VerificationSent::from(sent)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery staple", "code": "123456"}))]
pub struct ChangeEmailRequest {
    /// The new address; trimmed and lower-cased.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The account's password. Left out: 403 `reauthentication_failed` naming it.
    #[schema(value_type = String)]
    pub password: Option<Secret>,
    /// A current authenticator code or an unused recovery code: required when MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Change the email address.
///
/// Needs the password, and with MFA on a current code too (403 `reauthentication_failed`
/// naming the field otherwise; the session stays valid). A code and link go to the new
/// address; the address changes only when they come back (`POST /v1/me/email/confirm`, or the
/// link's token at `POST /v1/auth/email/verify`) while this session is still signed in. Then
/// every other session ends, codes and password reset links sent before die, and the old
/// address is told. 409 `email_taken` (now or at confirmation), 409 `email_managed_by_idp`
/// for accounts whose organisation's identity provider keeps the address.
#[utoipa::path(
    operation_id = "changeEmail",
    tag = "me",
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A code and link are on their way to the new address", body = VerificationSent),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/email")]
pub async fn change(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = EmailChange {
        email: body.email,
        confirmation: super::mfa::confirmation(body.password, body.code)?,
    };
    let sent = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| email_verification::request_change(cx, &caller, change),
        )
        .await?;
    Ok(HttpResponse::Accepted().json(VerificationSent::from(sent)))
}

/// Confirm an email change with the code (or the link's token) sent to the new address: the
/// account moves to it, proven. 400 `email_verification_invalid` for a wrong, used, replaced or
/// expired one (a wrong code says `attempts_remaining`), or when the session that asked for
/// the change is signed out; 409 `email_taken` when another account took the address meanwhile.
#[utoipa::path(
    operation_id = "confirmEmailChange",
    tag = "me",
    request_body = EmailProof,
    responses(
        (status = 200, description = "The address is changed", body = EmailVerified),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/email/confirm")]
pub async fn confirm_change(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): Body<EmailProof>,
) -> Result<HttpResponse, ApiError> {
    let proof = body.into_proof()?;
    let changed = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            match proof {
                Proven::Token(token) => {
                    email_verification::confirm_change_by_token(cx, &caller, &token)
                }
                Proven::Code(code) => {
                    email_verification::verify_code(cx, &caller, Purpose::Change, &code)
                }
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(EmailVerified::from(changed)))
}
