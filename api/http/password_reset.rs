use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use crate::openapi::responses::*;
use crate::service::rate_limit::{self, Kind};
use crate::service::{ClientInfo, Secret, password_reset, passwords};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com"}))]
pub struct ForgotPasswordRequest {
    #[schema(max_length = 254)]
    pub email: String,
}

/// Ask for a password reset link. Always 202, whether or not the email has an account (no
/// one learns who has one); if it has, a single-use link valid an hour is emailed (at most
/// one a minute), and any older link stops working.
#[utoipa::path(
    operation_id = "forgotPassword",
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the email has an account, a link is on its way"),
        Errors<(JsonBody, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/password/forgot")]
pub async fn forgot(
    state: web::Data<AppState>,
    client: ClientInfo,
    Body(body): Body<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Password])?;
            password_reset::request(cx, &body.email)
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "tsr_…", "new_password": "a long new passphrase"}))]
pub struct ResetPasswordRequest {
    /// The token of the emailed link.
    #[schema(value_type = String)]
    pub token: Secret,
    #[schema(value_type = String, format = Password, min_length = 8, max_length = 256)]
    pub new_password: Secret,
}

/// Set a new password with the emailed token: every session of the account ends, the token
/// is used up, and the account is told by email. 400 `reset_token_invalid` for an unknown,
/// used or expired token.
#[utoipa::path(
    operation_id = "resetPassword",
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is changed; sign in with it"),
        Errors<(JsonBody, Locked, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/password/reset")]
pub async fn reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    Body(body): PasswordBody<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    passwords::check_size("new_password", &body.new_password)?;
    let token = body.token.clone();
    state
        .run_hashing(
            client,
            move |cx| {
                rate_limit::take(cx, &[Kind::Password])?;
                password_reset::check_token(cx, &token)
            },
            move |cx, _| password_reset::reset(cx, &body.token, &body.new_password),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
