//! Single sign-on: the sign-in at an organisation's provider (start, the provider's answer,
//! the login code's exchange). The organisation's settings are in `sso_settings.rs`, an
//! account's links in `sso_identities.rs`.

use actix_web::{HttpResponse, get, http::header, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{LoginResponse, login_response};
use super::body::{Body, Query};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::views::sso::Callback;
use crate::error_code::ErrorCode;
use crate::openapi::responses::*;
use crate::service::rate_limit::{self, Kind};
use crate::service::sso::flows::{self, Claimed, Start, StartFor, Started};
use crate::service::sso::identify::{self, ProviderAnswer, identify};
use crate::service::{ClientInfo, Error, OrgId, Secret};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "ada@acme.com", "redirect_uri": "https://app.example.com/sso",
    "exchange_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
}))]
pub struct SsoStartRequest {
    /// The person's email: its domain picks the organisation. Give this or `org_id`.
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// The organisation whose provider to use. Give this or `email`.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<uuid::Uuid>,
    /// Where the sign-in ends: one of the server's allowed redirect URIs.
    pub redirect_uri: String,
    #[serde(default)]
    pub callback: Callback,
    /// Required for the browser flow (`callback: "tessera"`), and only there: the base64url
    /// SHA-256 (S256, as in PKCE) of a random secret the front-end keeps (in
    /// `sessionStorage`, say) and sends to `POST /v1/auth/sso/exchange` as
    /// `exchange_verifier`, so that a login code from a sign-in this browser did not start is
    /// refused (login CSRF).
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub exchange_challenge: Option<String>,
    /// Required for the app flow (`callback: "client"`), and only there: the PKCE (RFC 7636)
    /// S256 `code_challenge` of a `code_verifier` the app keeps and sends to
    /// `POST /v1/auth/sso/callback`. The provider binds the code to it, so a code taken from
    /// the app's redirect is useless alone.
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub code_challenge: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SsoStarted {
    /// Send the browser here (the provider's authorization endpoint, with PKCE).
    #[schema(example = "https://acme.okta.com/oauth2/v1/authorize?response_type=code&…")]
    pub authorization_url: String,
    #[schema(value_type = String)]
    pub org_id: OrgId,
    /// The sign-in must come back before this.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Start single sign-on at an organisation's identity provider.
///
/// Answers the provider's authorization URL (code flow, PKCE S256, `state` and `nonce` kept
/// here for 10 minutes). With `callback: "tessera"` (the default) the provider sends the
/// browser to `GET /v1/auth/sso/callback`, which sends it on to `redirect_uri` with a
/// one-time `login_code` (start with `exchange_challenge`); with `callback: "client"` it
/// sends it to `redirect_uri`, whose page or app posts `code` and `state` with its PKCE
/// `code_verifier` to `POST /v1/auth/sso/callback` (start with its `code_challenge`). 422
/// naming the field when the flow's challenge is missing or malformed; 404
/// `sso_not_configured` when no organisation signs the email in.
#[utoipa::path(
    operation_id = "startSso",
    tag = "sso",
    request_body = SsoStartRequest,
    responses(
        (status = 200, description = "Where to send the browser", body = SsoStarted),
        Errors<(JsonBody, NotFound, TooManyAttempts, BadGateway, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/sso/start")]
pub async fn start(
    state: web::Data<AppState>,
    client: ClientInfo,
    Body(body): Body<SsoStartRequest>,
) -> Result<HttpResponse, ApiError> {
    let target = match (body.email, body.org_id) {
        (Some(email), None) => StartFor::Email(email),
        (None, Some(org_id)) => StartFor::Org(OrgId::from(org_id)),
        _ => {
            return Err(Error::invalid(vec![crate::service::error::FieldError::new(
                "email",
                "one_of",
                "give either `email` or `org_id`",
            )])
            .into());
        }
    };
    let flow = Start {
        target,
        redirect_uri: body.redirect_uri,
        callback: body.callback.into(),
        link_to: None,
        exchange_challenge: body.exchange_challenge,
        code_challenge: body.code_challenge,
    };
    let started = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            flows::start(cx, flow)
        })
        .await?;
    Ok(HttpResponse::Ok().json(started_answer(&state, started).await?))
}

/// The answer to a start (or a link): where to send the browser.
pub(super) async fn started_answer(
    state: &AppState,
    started: Started,
) -> Result<SsoStarted, ApiError> {
    let authorization_url = identify::authorization_url(&state.oidc, &started, state.now()).await?;
    Ok(SsoStarted {
        authorization_url,
        org_id: started.org_id,
        expires_at: started.expires_at,
    })
}

/// Claims the flow a callback's `state` names (a code attempt of the client's, for the rate
/// limit).
async fn claim(
    state: &AppState,
    client: ClientInfo,
    flow_state: Secret,
    via: flows::Callback,
) -> Result<Claimed, ApiError> {
    Ok(state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            flows::claim(cx, &flow_state, via)
        })
        .await?)
}

/// The provider's redirect, as the browser brings it. Providers add parameters of their own
/// (`session_state`, `scope`…): they are ignored.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SsoCallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` the flow was started with.
    pub state: Option<String>,
    /// The provider's error instead of a code (`access_denied`…).
    pub error: Option<String>,
    /// Logged, never passed on: the front-end gets `error_description` in this server's words.
    pub error_description: Option<String>,
    /// The provider's issuer (RFC 9207), when it sends it.
    pub iss: Option<String>,
}

fn missing_state() -> ApiError {
    Error::denied_because(
        ErrorCode::SsoStateInvalid,
        "The provider's answer carries no state; start the sign-in again.",
    )
    .into()
}

/// The provider's redirect back to this server (the browser flow).
///
/// Checks the answer, then sends the browser on (303) to the flow's `redirect_uri` with a
/// one-time `login_code` (valid 2 minutes) for `POST /v1/auth/sso/exchange`: never a
/// session in a URL. When the sign-in failed after the flow was found, the browser goes
/// there with `error` (a problem `code`) and `error_description` (this server's words, never
/// the provider's) instead. An unknown, used or expired `state` is answered here, as a
/// problem.
#[utoipa::path(
    operation_id = "ssoCallbackRedirect",
    tag = "sso",
    params(SsoCallbackQuery),
    responses(
        (status = 303, description = "On to the front-end, with `login_code` or `error`"),
        Errors<(BadRequest, Gone, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[get("/v1/auth/sso/callback")]
pub async fn callback_redirect(
    state: web::Data<AppState>,
    client: ClientInfo,
    query: Query<SsoCallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let flow_state = Secret::new(query.state.ok_or_else(missing_state)?);
    let claimed = claim(&state, client.clone(), flow_state, flows::Callback::Tessera).await?;
    let answer = ProviderAnswer {
        code: query.code,
        error: query.error,
        error_description: query.error_description,
        iss: query.iss,
        code_verifier: None,
    };
    let redirect_uri = claimed.redirect_uri.clone();
    let result = async {
        let identity = identify(&state.oidc, &claimed, answer, state.now()).await?;
        Ok::<_, ApiError>(
            state
                .run(client, move |cx| {
                    flows::hand_out_login_code(cx, &claimed, &identity)
                })
                .await?,
        )
    }
    .await;
    let params: Vec<(&str, String)> = match result {
        Ok(login_code) => vec![("login_code", login_code.expose().to_string())],
        Err(e) => {
            if matches!(
                e.code(),
                ErrorCode::InternalError | ErrorCode::ServiceUnavailable
            ) {
                // Not answered as a problem, so logged here with its cause.
                tracing::error!(error = ?e, "SSO callback failed");
            }
            vec![
                ("error", e.code().as_str().to_string()),
                ("error_description", e.detail()),
            ]
        }
    };
    let mut location = reqwest::Url::parse(&redirect_uri).map_err(Error::internal)?;
    location.query_pairs_mut().extend_pairs(params);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.as_str()))
        .finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "SplxlOBeZQQYbYS6WxSbIA", "state": "tsf_…",
    "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
}))]
pub struct SsoCallbackRequest {
    /// The `state` from the provider's redirect.
    pub state: String,
    /// The authorization code from the provider's redirect.
    pub code: Option<String>,
    /// The PKCE verifier the app kept, whose S256 it sent to `POST /v1/auth/sso/start` as
    /// `code_challenge` (the app has it, with a code or with the provider's error alike).
    #[schema(value_type = String, required = true, min_length = 43, max_length = 128, pattern = "^[A-Za-z0-9._~-]{43,128}$")]
    pub code_verifier: Option<Secret>,
    /// The provider's error instead of a code (`access_denied`…).
    pub error: Option<String>,
    /// Logged, never passed on: a refusal is described in this server's words.
    pub error_description: Option<String>,
    /// The provider's issuer (RFC 9207), when its redirect carried one.
    pub iss: Option<String>,
}

/// Finish single sign-on with the provider's answer (SPAs and mobile apps: flows started
/// with `callback: "client"`).
///
/// Answers like `POST /v1/auth/login`: `authenticated` (with `mfa: "idp"`), `mfa_required` or
/// `mfa_enrollment_required` (with `mfa: "both"`). A `code` comes with the app's
/// `code_verifier` (422 naming it when missing or malformed; 401 `sso_code_refused` when it
/// does not answer the flow's `code_challenge`, or the provider refuses it). Refusals: 400
/// `sso_state_invalid`, 410 `sso_flow_expired`, 401 `sso_denied`, `sso_code_refused` or
/// `sso_id_token_invalid`, 403
/// `sso_account_not_provisioned`, 409 `sso_link_required` or `sso_account_exists`, 502
/// `sso_provider_unavailable`; none creates an account or a session.
#[utoipa::path(
    operation_id = "ssoCallback",
    tag = "sso",
    request_body = SsoCallbackRequest,
    responses(
        (status = 200, description = "Sign-in result", body = LoginResponse),
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, Gone, Locked, TooManyAttempts, BadGateway, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/sso/callback")]
pub async fn callback(
    state: web::Data<AppState>,
    client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): Body<SsoCallbackRequest>,
) -> Result<HttpResponse, ApiError> {
    flows::check_app_answer(
        body.code.as_deref().filter(|c| !c.is_empty()),
        body.code_verifier.as_ref(),
    )?;
    let claimed = claim(
        &state,
        client.clone(),
        Secret::new(body.state),
        flows::Callback::Client,
    )
    .await?;
    let answer = ProviderAnswer {
        code: body.code,
        error: body.error,
        error_description: body.error_description,
        iss: body.iss,
        code_verifier: body.code_verifier,
    };
    let identity = identify(&state.oidc, &claimed, answer, state.now()).await?;
    let outcome = state
        .run(client, move |cx| flows::sign_in(cx, &claimed, &identity))
        .await?;
    Ok(login_response(&state, &delivery, outcome))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"login_code": "tsl_…", "exchange_verifier": "a secret the front-end kept"}))]
pub struct SsoExchangeRequest {
    /// The `login_code` the browser brought back to `redirect_uri`.
    #[schema(value_type = String, min_length = 1, max_length = 128)]
    pub login_code: Secret,
    /// The secret whose S256 was sent to start (or link) as `exchange_challenge`.
    #[schema(value_type = String, min_length = 1, max_length = 128)]
    pub exchange_verifier: Secret,
}

/// Turn a browser flow's one-time `login_code` into the sign-in.
///
/// Answers like `POST /v1/auth/login`. 400 `sso_login_code_invalid` when the code is unknown,
/// used, or older than 2 minutes, or when `exchange_verifier` does not answer the flow's
/// `exchange_challenge` (the code is used up then too).
#[utoipa::path(
    operation_id = "ssoExchange",
    tag = "sso",
    request_body = SsoExchangeRequest,
    responses(
        (status = 200, description = "Sign-in result", body = LoginResponse),
        Errors<(JsonBody, Locked, TooManyAttempts, Unavailable)>,
    ),
    security(()),
)]
#[post("/v1/auth/sso/exchange")]
pub async fn exchange(
    state: web::Data<AppState>,
    client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): Body<SsoExchangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let outcome = state
        .run(client, move |cx| {
            rate_limit::take(cx, &[Kind::Code])?;
            flows::redeem(cx, &body.login_code, &body.exchange_verifier)
        })
        .await?;
    Ok(login_response(&state, &delivery, outcome))
}
