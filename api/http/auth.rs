use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::views::accounts::Account;
use super::views::mfa::{Enrollment, LoginChallenge, SecondFactor, SentCode};
use super::views::sessions::Session;
use super::{cleared_session_cookie, name_device, session_cookie};
use crate::openapi::responses::*;
use crate::service::accounts;
use crate::service::ids::OrgId;
use crate::service::login::{LoginOutcome, password_login};
use crate::service::mfa;
use crate::service::mfa::challenges::{self, ChallengeId};
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::{self, Caller, IssuedSession};
use crate::service::{ClientInfo, Secret, passwords};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String)]
    pub password: Secret,
    /// For apps without cookies: a stable id of this installation, so a sign-in from a new
    /// device can be told to the account. Browsers get the `tessera_device` cookie instead.
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]+$"
    )]
    pub device_id: Option<String>,
}

/// Which shape a login answer has. Documented as a string: more statuses may be added.
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    Authenticated,
    MfaRequired,
    MfaEnrollmentRequired,
    SsoRequired,
    EmailVerificationRequired,
}

/// Signed in: a session was issued.
#[derive(Serialize, ToSchema)]
pub struct LoginAuthenticated {
    /// Always `authenticated` here.
    #[schema(value_type = String, pattern = "^authenticated$", example = "authenticated")]
    pub status: LoginStatus,
    /// The session token, shown only here; the session is also set as the `tessera_session`
    /// cookie. Absent for browsers (requests with an `Origin` header), which get the session
    /// only as the HttpOnly cookie, unless the server runs with `TESSERA_BROWSER_BEARER=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, example = "tss_3q2+7w…", nullable = false)]
    pub session_token: Option<Secret>,
    pub session: Session,
    pub account: Account,
}

/// The password was right and the account has a second factor: answer the challenge with
/// `POST /v1/auth/challenges/{id}/verify`. No session yet.
#[derive(Serialize, ToSchema)]
pub struct LoginMfaRequired {
    /// Always `mfa_required` here.
    #[schema(value_type = String, pattern = "^mfa_required$", example = "mfa_required")]
    pub status: LoginStatus,
    pub challenge: LoginChallenge,
}

/// An organisation requires MFA of the account, its deadline has passed, and the account has
/// no factor: enrol one with the ticket (as the bearer of `POST /v1/me/mfa/totp`, then of
/// `POST /v1/me/mfa/factors/{id}/activate`, which answers with the session). No session yet.
#[derive(Serialize, ToSchema)]
pub struct LoginMfaEnrollmentRequired {
    /// Always `mfa_enrollment_required` here.
    #[schema(value_type = String, pattern = "^mfa_enrollment_required$", example = "mfa_enrollment_required")]
    pub status: LoginStatus,
    pub enrollment: Enrollment,
}

/// The email's organisation signs its people in at its identity provider: no password was
/// checked. Start single sign-on with `POST /v1/auth/sso/start`.
#[derive(Serialize, ToSchema)]
pub struct LoginSsoRequired {
    /// Always `sso_required` here.
    #[schema(value_type = String, pattern = "^sso_required$", example = "sso_required")]
    pub status: LoginStatus,
    #[schema(value_type = String, example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub org_id: OrgId,
}

/// The password was right, but the server signs in only proven email addresses
/// (`TESSERA_REQUIRE_VERIFIED_EMAIL`) and this one is not proven yet: no session. Prove it with
/// the emailed link (`POST /v1/auth/email/verify`), or ask for a new one (`POST
/// /v1/auth/email/verification`), then log in again.
#[derive(Serialize, ToSchema)]
pub struct LoginEmailVerificationRequired {
    /// Always `email_verification_required` here.
    #[schema(value_type = String, pattern = "^email_verification_required$", example = "email_verification_required")]
    pub status: LoginStatus,
}

/// The result of a login; `status` says which shape it has: `authenticated`,
/// `mfa_required`, `mfa_enrollment_required`, `sso_required` or `email_verification_required`
/// (more may be added: treat an unknown status as an error to show).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[schema(discriminator(property_name = "status", mapping(
    ("authenticated" = "#/components/schemas/LoginAuthenticated"),
    ("mfa_required" = "#/components/schemas/LoginMfaRequired"),
    ("mfa_enrollment_required" = "#/components/schemas/LoginMfaEnrollmentRequired"),
    ("sso_required" = "#/components/schemas/LoginSsoRequired"),
    ("email_verification_required" = "#/components/schemas/LoginEmailVerificationRequired"),
)))]
// Built once per login and moved straight into the response: the size difference between
// the variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum LoginResponse {
    Authenticated(LoginAuthenticated),
    MfaRequired(LoginMfaRequired),
    MfaEnrollmentRequired(LoginMfaEnrollmentRequired),
    SsoRequired(LoginSsoRequired),
    EmailVerificationRequired(LoginEmailVerificationRequired),
}

/// Log in with email and password.
///
/// Unknown emails and wrong passwords get the same answer in the same time. Repeated failures
/// lock password checks for the account from the client's IP (and, past a much higher
/// number from all IPs, for every IP) for a while: 429 `too_many_attempts` with
/// `Retry-After`. Too many password attempts from one client IP of any kind answer 429
/// `rate_limited`; a server busy hashing passwords answers 503 `overloaded`.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Login result", body = LoginResponse),
        Errors<(JsonBody, Unauthenticated, Forbidden, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    mut client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): PasswordBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        device_id,
    } = body;
    passwords::check_size("password", &password).map_err(ApiError::from)?;
    let new_device = name_device(&state, &mut client, device_id)?;
    let outcome = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| password_login(cx, &email, &password),
        )
        .await?;
    let mut response = login_response(&state, &delivery, outcome);
    if let Some(cookie) = new_device {
        response
            .add_cookie(&cookie)
            .map_err(|e| crate::service::Error::internal(e.to_string()))?;
    }
    Ok(response)
}

/// A login's outcome as the API answers it (password login, SSO callback and exchange).
pub fn login_response(
    state: &AppState,
    delivery: &SessionDelivery,
    outcome: LoginOutcome,
) -> HttpResponse {
    match outcome {
        LoginOutcome::Authenticated { account, session } => {
            authenticated(state, delivery, account, session)
        }
        LoginOutcome::MfaEnrollmentRequired { enrollment } => HttpResponse::Ok().json(
            LoginResponse::MfaEnrollmentRequired(LoginMfaEnrollmentRequired {
                status: LoginStatus::MfaEnrollmentRequired,
                enrollment: enrollment.into(),
            }),
        ),
        LoginOutcome::MfaRequired { challenge } => {
            HttpResponse::Ok().json(LoginResponse::MfaRequired(LoginMfaRequired {
                status: LoginStatus::MfaRequired,
                challenge: challenge.into(),
            }))
        }
        LoginOutcome::SsoRequired { org_id } => {
            HttpResponse::Ok().json(LoginResponse::SsoRequired(LoginSsoRequired {
                status: LoginStatus::SsoRequired,
                org_id,
            }))
        }
        LoginOutcome::EmailVerificationRequired => HttpResponse::Ok().json(
            LoginResponse::EmailVerificationRequired(LoginEmailVerificationRequired {
                status: LoginStatus::EmailVerificationRequired,
            }),
        ),
    }
}

fn authenticated(
    state: &AppState,
    delivery: &SessionDelivery,
    account: accounts::Account,
    session: IssuedSession,
) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(session_cookie(state, session.token.expose()))
        .json(LoginResponse::Authenticated(LoginAuthenticated {
            status: LoginStatus::Authenticated,
            session_token: delivery.token_in_body.then_some(session.token),
            session: session.session.into(),
            account: account.into(),
        }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "totp", "code": "123456"}))]
pub struct VerifyChallengeRequest {
    pub method: SecondFactor,
    /// The 6-digit code, or a recovery code (dash, spaces and case do not matter).
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub code: Secret,
}

/// Answer a login challenge with a second-factor code.
///
/// A right code issues an `aal2` session. A wrong one answers 401 `invalid_code` with
/// `attempts_remaining`; after 5 wrong codes, or 5 minutes, the challenge is gone (410).
/// Wrong codes also count towards the second-factor lockouts (429 `too_many_attempts`), and
/// code attempts from one client IP are rate limited (429 `rate_limited`).
#[utoipa::path(
    operation_id = "verifyLoginChallenge",
    tag = "auth",
    params(("id" = String, Path, description = "The challenge id from the login answer")),
    request_body = VerifyChallengeRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Gone, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/challenges/{id}/verify")]
pub async fn verify_challenge(
    state: web::Data<AppState>,
    client: ClientInfo,
    delivery: SessionDelivery,
    id: web::Path<String>,
    Body(body): Body<VerifyChallengeRequest>,
) -> Result<HttpResponse, ApiError> {
    let VerifyChallengeRequest { method, code } = body;
    mfa::check_code_shape("code", &code).map_err(ApiError::from)?;
    let challenge_id = ChallengeId::from(id.into_inner());
    let outcome = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            challenges::verify(cx, &challenge_id, method.into(), &code)
        })
        .await?;
    Ok(login_response(&state, &delivery, outcome))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "sms"}))]
pub struct DeliverCodeRequest {
    /// `sms` or `whatsapp`, as the challenge's `methods` offer them.
    pub method: SecondFactor,
}

/// Send a code for a login challenge by SMS or WhatsApp; answer the challenge with it (and
/// the same `method`) within 10 minutes. Another code may be asked for after 30 seconds, at
/// most 5 an hour per account (429 `rate_limited` with `Retry-After`).
#[utoipa::path(
    operation_id = "deliverChallengeCode",
    tag = "auth",
    params(("id" = String, Path, description = "The challenge id from the login answer")),
    request_body = DeliverCodeRequest,
    responses(
        (status = 202, description = "The code is on its way", body = SentCode),
        Errors<(JsonBody, NotFound, Gone, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/challenges/{id}/deliver")]
pub async fn deliver_code(
    state: web::Data<AppState>,
    client: ClientInfo,
    id: web::Path<String>,
    Body(body): Body<DeliverCodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let challenge_id = ChallengeId::from(id.into_inner());
    let sent = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            challenges::deliver(cx, &challenge_id, body.method.into())
        })
        .await?;
    Ok(HttpResponse::Accepted().json(SentCode::from(sent)))
}

/// Log out: end the current session.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    responses(
        (status = 204, description = "Session ended; the cookie is cleared"),
        Errors<(Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
) -> Result<HttpResponse, ApiError> {
    state
        .run(client, move |cx| {
            let session_id = caller.session_id.clone();
            sessions::sign_out(cx, &caller, &session_id)
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(cleared_session_cookie(&state))
        .finish())
}
