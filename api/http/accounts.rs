use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::LoginStatus;
use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::views::accounts::Account;
use super::views::sessions::Session;
use super::{name_device, session_cookie};
use crate::openapi::responses::*;
use crate::service::accounts::{self, SignUp};
use crate::service::rate_limit::{self, Kind};
use crate::service::{ClientInfo, Secret, passwords};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple", "display_name": "Ada"}))]
pub struct SignUpRequest {
    /// Email address; trimmed and lower-cased, unique.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 8 to 256 characters, not a common or easily guessed password (else 422).
    #[schema(value_type = String, min_length = 8, max_length = 256)]
    pub password: Secret,
    /// Shown name; no control characters. Surrounding spaces are trimmed; blank means none.
    #[schema(max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub display_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignUpResponse {
    /// `authenticated` (signed in: `session` and, outside browsers, `session_token`), or
    /// `email_verification_required` when the server signs in only proven addresses
    /// (`TESSERA_REQUIRE_VERIFIED_EMAIL`): no session until the emailed link or code comes back
    /// (more may be added).
    #[schema(value_type = String, example = "authenticated")]
    pub status: LoginStatus,
    pub account: Account,
    /// The new session; absent when `status` is `email_verification_required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub session: Option<Session>,
    /// The session token, shown only here; the session is also set as the `tessera_session`
    /// cookie. Absent for browsers (requests with an `Origin` header), which get the session
    /// only as the HttpOnly cookie, unless the server runs with `TESSERA_BROWSER_BEARER=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, example = "tss_3q2+7w…", nullable = false)]
    pub session_token: Option<Secret>,
}

/// Sign up: create an account and its first session.
///
/// An email with a code and a link to prove the address goes to it (`POST
/// /v1/auth/email/verify`). When the server signs in only proven addresses
/// (`TESSERA_REQUIRE_VERIFIED_EMAIL`), there is no session until then: `status` is
/// `email_verification_required`. Sign-ups and password attempts from one client IP are rate
/// limited (429 `rate_limited`).
#[utoipa::path(
    operation_id = "createAccount",
    tag = "accounts",
    request_body = SignUpRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = SignUpResponse),
        Errors<(JsonBody, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/accounts")]
pub async fn sign_up(
    state: web::Data<AppState>,
    mut client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): PasswordBody<SignUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut input = SignUp {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
    };
    passwords::check_size("password", &input.password).map_err(ApiError::from)?;
    let new_device = name_device(&state, &mut client, None)?;
    let (account, issued) = state
        .run_hashing(
            client,
            move |cx| {
                rate_limit::take(cx, &[Kind::SignUp, Kind::Password])?;
                // The strength estimate is CPU work: here on the blocking pool, not on an
                // async worker.
                accounts::validate_sign_up(&mut input)?;
                Ok(input)
            },
            accounts::sign_up,
        )
        .await?;
    let mut response = HttpResponse::Created();
    if let Some(issued) = &issued {
        response.cookie(session_cookie(&state, issued.token.expose()));
    }
    if let Some(cookie) = new_device {
        response.cookie(cookie);
    }
    let Some(issued) = issued else {
        return Ok(response.json(SignUpResponse {
            status: LoginStatus::EmailVerificationRequired,
            account: account.into(),
            session: None,
            session_token: None,
        }));
    };
    Ok(response.json(SignUpResponse {
        status: LoginStatus::Authenticated,
        account: account.into(),
        session: Some(issued.session.into()),
        session_token: delivery.token_in_body.then_some(issued.token),
    }))
}
