use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::session_cookie;
use super::views::mfa::{
    Activation, MfaStatus, RecoveryCodes, SecondFactor, SentCode, SentCodeEnrolment, TotpEnrolment,
};
use super::views::sessions::Session;
use crate::openapi::responses::*;
use crate::service::mfa::FactorType;
use crate::service::mfa::enrolment;
use crate::service::mfa::factors;
use crate::service::mfa::sent_codes;
use crate::service::mfa::step_up::Confirmation;
use crate::service::mfa::tickets::Enroller;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, Context, FactorId, Secret, mfa, passwords};
use crate::state::AppState;

/// The account's second factors and recovery codes.
#[utoipa::path(
    operation_id = "getMfaStatus",
    tag = "mfa",
    responses(
        (status = 200, description = "MFA status", body = MfaStatus),
        Errors<(Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/mfa")]
pub async fn status(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let status = state
        .run(ClientInfo::default(), move |cx| {
            factors::status(cx, caller.account_id())
        })
        .await?;
    Ok(HttpResponse::Ok().json(MfaStatus::from(status)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple"}))]
pub struct PasswordConfirmation {
    /// The account's current password. Required with a session; not with an enrolment ticket
    /// (it stands for the password given at login).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with a session once MFA is on (a
    /// new factor is a new way in).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Start adding an authenticator app.
///
/// Also open to the bearer of an enrolment ticket (login's `mfa_enrollment_required`), who
/// sends no password.
///
/// Returns a pending factor: the secret (for manual entry), the `otpauth://` URI and the same
/// as a QR code. It becomes active once a code from the app is proven with
/// `POST /v1/me/mfa/factors/{id}/activate`, within 10 minutes.
#[utoipa::path(
    operation_id = "enrollTotp",
    tag = "mfa",
    request_body = PasswordConfirmation,
    responses(
        (status = 201, description = "Pending factor created", body = TotpEnrolment,
            links(("activateFactor" = (
                operation_id = "activateFactor",
                parameters(("id" = "$response.body#/factor_id")),
                description = "Prove a code from the app to activate the factor",
            )))),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/totp")]
pub async fn enroll_totp(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    Body(body): PasswordBody<PasswordConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let confirmation = confirmation(body.password, body.code)?;
    let enrolment = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| enrolment::start_totp(cx, &enroller, confirmation),
        )
        .await?;
    Ok(HttpResponse::Created().json(TotpEnrolment::from(enrolment)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "+15550100123", "password": "correct horse battery staple"}))]
pub struct PhoneEnrolmentRequest {
    /// The phone number, E.164 (`+` and up to 15 digits).
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$")]
    pub phone: String,
    /// The account's current password. Required with a session; not with an enrolment ticket.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with a session once MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// The password and code a signed-in caller sends to add a way in, checked for size.
pub(crate) fn confirmation(
    password: Option<Secret>,
    code: Option<Secret>,
) -> Result<Confirmation, ApiError> {
    confirmation_naming("code", password, code)
}

/// The same, where the request names the code field otherwise (`mfa_code`).
pub(crate) fn confirmation_naming(
    code_field: &str,
    password: Option<Secret>,
    code: Option<Secret>,
) -> Result<Confirmation, ApiError> {
    if let Some(password) = &password {
        passwords::check_size("password", password)?;
    }
    if let Some(code) = &code {
        mfa::check_code_shape(code_field, code)?;
    }
    Ok(Confirmation { password, code })
}

async fn enroll_sent(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    body: PhoneEnrolmentRequest,
    kind: FactorType,
) -> Result<HttpResponse, ApiError> {
    let PhoneEnrolmentRequest {
        phone,
        password,
        code,
    } = body;
    let confirmation = confirmation(password, code)?;
    let enrolment = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| enrolment::start_sent(cx, &enroller, kind, &phone, confirmation),
        )
        .await?;
    Ok(HttpResponse::Created().json(SentCodeEnrolment::from(enrolment)))
}

/// Start adding a phone that receives codes by SMS: a pending factor, and a first code sent to
/// it. Activate it with that code (`POST /v1/me/mfa/factors/{id}/activate`) within 10 minutes.
/// 409 `channel_unavailable` when the server sends no SMS.
#[utoipa::path(
    operation_id = "enrollSms",
    tag = "mfa",
    request_body = PhoneEnrolmentRequest,
    responses(
        (status = 201, description = "Pending factor created; a code is on its way", body = SentCodeEnrolment,
            links(("activateFactor" = (
                operation_id = "activateFactor",
                parameters(("id" = "$response.body#/factor_id")),
                description = "Prove the code that arrived to activate the factor",
            )))),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/sms")]
pub async fn enroll_sms(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    Body(body): PasswordBody<PhoneEnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    enroll_sent(state, enroller, client, body, FactorType::Sms).await
}

/// Start adding a phone that receives codes by WhatsApp; as for SMS.
#[utoipa::path(
    operation_id = "enrollWhatsapp",
    tag = "mfa",
    request_body = PhoneEnrolmentRequest,
    responses(
        (status = 201, description = "Pending factor created; a code is on its way", body = SentCodeEnrolment,
            links(("activateFactor" = (
                operation_id = "activateFactor",
                parameters(("id" = "$response.body#/factor_id")),
                description = "Prove the code that arrived to activate the factor",
            )))),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/whatsapp")]
pub async fn enroll_whatsapp(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    Body(body): PasswordBody<PhoneEnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    enroll_sent(state, enroller, client, body, FactorType::Whatsapp).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct CodeConfirmation {
    /// The 6-digit code the authenticator app shows now, or the one sent by SMS or WhatsApp.
    #[schema(value_type = String, pattern = r"^[0-9]{6}$")]
    pub code: Secret,
}

/// Activate a pending factor with a code from the app.
///
/// For the account's first factor the answer carries 8 recovery codes, shown only here. Also
/// open to the bearer of an enrolment ticket: the ticket is used up and the answer carries the
/// session (aal2) its login was waiting for.
/// With MFA on, every other session of the account is signed out (they proved only the
/// password) and this one becomes `aal2`. A wrong code answers 403 `reauthentication_failed`
/// with `attempts_remaining`; after 5 the pending factor is gone (410) and enrolment starts
/// over.
#[utoipa::path(
    operation_id = "activateFactor",
    tag = "mfa",
    params(("id" = uuid::Uuid, Path, description = "The pending factor's id")),
    request_body = CodeConfirmation,
    responses(
        (status = 200, description = "Factor active", body = ActivationAnswer),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Gone, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/factors/{id}/activate")]
pub async fn activate(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    delivery: SessionDelivery,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<CodeConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let factor_id = FactorId::from(id.into_inner());
    let code = body.code;
    let activated = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            enrolment::activate(cx, &enroller, &factor_id, &code)
        })
        .await?;
    let mut response = HttpResponse::Ok();
    let answer = ActivationAnswer::from_activated(activated, &delivery, |token| {
        response.cookie(session_cookie(&state, token));
    });
    Ok(response.json(answer))
}

/// A factor turned active. With an enrolment ticket, the answer also carries the session
/// the login was waiting for.
#[derive(Serialize, ToSchema)]
pub struct ActivationAnswer {
    #[serde(flatten)]
    pub activation: Activation,
    /// The session issued to the holder of an enrolment ticket (aal2); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub session: Option<Session>,
    /// That session's token, shown only here (absent for browsers, which get the cookie).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, nullable = false)]
    pub session_token: Option<Secret>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple", "code": "123456"}))]
pub struct StepUpRequest {
    /// The account's current password. Required, but for accounts provisioned by single
    /// sign-on, which have none: they confirm with a sign-in at their identity provider within
    /// the last 10 minutes (else 403 `reauthentication_required`).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator code, or an unused recovery code. Left out: 403
    /// `reauthentication_failed` naming it.
    #[schema(value_type = String, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Runs a password-and-code guarded change: rate limited as a password attempt, on the
/// blocking pool with a hashing permit.
async fn with_step_up<T: Send + 'static>(
    state: &AppState,
    caller: Caller,
    client: ClientInfo,
    body: StepUpRequest,
    change: impl FnOnce(&mut Context<'_>, &Caller, Confirmation) -> crate::service::Result<T>
    + Send
    + 'static,
) -> Result<T, ApiError> {
    let confirmation = confirmation(body.password, body.code)?;
    Ok(state
        .run_confirming(client, true, move |cx| change(cx, &caller, confirmation))
        .await?)
}

/// Turn MFA off. Needs the password and a code; removes every factor and the recovery codes.
#[utoipa::path(
    operation_id = "disableMfa",
    tag = "mfa",
    request_body = StepUpRequest,
    responses(
        (status = 204, description = "MFA disabled"),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<StepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    with_step_up(&state, caller, client, body, factors::disable).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "sms"}))]
pub struct ConfirmationCodeRequest {
    /// `sms` or `whatsapp`: the account's factor the code goes to.
    pub method: SecondFactor,
}

/// Send a code by SMS or WhatsApp to confirm a sensitive change (disabling MFA, removing a
/// factor, recovery codes) as the `code` of that request, within 10 minutes. For accounts
/// whose factor sends its codes; the same cooldown and hourly cap as at login apply.
#[utoipa::path(
    operation_id = "sendConfirmationCode",
    tag = "mfa",
    request_body = ConfirmationCodeRequest,
    responses(
        (status = 202, description = "The code is on its way", body = SentCode),
        Errors<(JsonBody, Unauthenticated, Forbidden, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/codes")]
pub async fn send_confirmation_code(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): Body<ConfirmationCodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let sent = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            sent_codes::send_for_confirmation(cx, caller.account_id(), body.method.into())
        })
        .await?;
    Ok(HttpResponse::Accepted().json(SentCode::from(sent)))
}

/// Remove one second factor. Needs the password and a code (from any active factor — for SMS
/// or WhatsApp, one sent with `POST /v1/me/mfa/codes` — or a recovery code). Removing the last factor turns MFA off, as `POST /v1/me/mfa/disable` does
/// (recovery codes go too), and is refused while an organisation requires MFA (409).
#[utoipa::path(
    operation_id = "removeFactor",
    tag = "mfa",
    params(("id" = String, Path, description = "The factor's id, as `GET /v1/me/mfa` lists it")),
    request_body = StepUpRequest,
    responses(
        (status = 204, description = "Factor removed"),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/me/mfa/factors/{id}")]
pub async fn remove_factor(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<String>,
    Body(body): PasswordBody<StepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let factor_id = FactorId::from(id.into_inner());
    with_step_up(
        &state,
        caller,
        client,
        body,
        move |cx, caller, confirmation| factors::remove(cx, caller, &factor_id, confirmation),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the recovery codes with a new set; the old codes stop working at once.
#[utoipa::path(
    operation_id = "regenerateRecoveryCodes",
    tag = "mfa",
    request_body = StepUpRequest,
    responses(
        (status = 201, description = "New codes, shown only here", body = RecoveryCodes),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/recovery-codes")]
pub async fn regenerate_recovery_codes(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<StepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let codes = with_step_up(
        &state,
        caller,
        client,
        body,
        factors::regenerate_recovery_codes,
    )
    .await?;
    Ok(HttpResponse::Created().json(RecoveryCodes::from(codes)))
}

#[derive(Serialize, ToSchema)]
pub struct UnusedRecoveryCodes {
    /// The codes of the current set that have not been used.
    #[schema(value_type = Vec<String>)]
    pub codes: Vec<Secret>,
}

/// Show the unused recovery codes again (password and code required).
#[utoipa::path(
    operation_id = "revealRecoveryCodes",
    tag = "mfa",
    request_body = StepUpRequest,
    responses(
        (status = 200, description = "The unused codes", body = UnusedRecoveryCodes),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/recovery-codes/reveal")]
pub async fn reveal_recovery_codes(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<StepUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let codes = with_step_up(&state, caller, client, body, factors::reveal_recovery_codes).await?;
    Ok(HttpResponse::Ok().json(UnusedRecoveryCodes { codes }))
}

impl ActivationAnswer {
    /// Shapes an activation; a session it issued is handed to `set_cookie` and, unless the
    /// caller is a browser, put in the body too.
    pub fn from_activated(
        activated: enrolment::Activated,
        delivery: &SessionDelivery,
        set_cookie: impl FnOnce(&str),
    ) -> Self {
        let (session, session_token) = match activated.session {
            Some(issued) => {
                set_cookie(issued.token.expose());
                let token = delivery.token_in_body.then_some(issued.token);
                (Some(issued.session.into()), token)
            }
            None => (None, None),
        };
        ActivationAnswer {
            activation: activated.activation.into(),
            session,
            session_token,
        }
    }
}
