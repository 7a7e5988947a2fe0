//! Single sign-on: an organisation's provider settings, and the sign-in through it.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{LoginResponse, login_response};
use super::body::{Body, PasswordBody, Query};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::orgs::org_id;
use super::page_types::SsoIdentityPage;
use super::sessions::ListQuery;
use crate::error_code::ErrorCode;
use crate::service::pagination::PageRequest;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::sso::flows::{self, Callback, Claimed, Start, StartFor, Started};
use crate::service::sso::identify::{self, ProviderAnswer, identify};
use crate::service::sso::settings::{self, SsoMfa, SsoSettings, SsoSettingsInput};
use crate::service::sso::{discovery, identities};
use crate::service::{ClientInfo, Error, OrgId, Secret};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "issuer": "https://acme.okta.com", "client_id": "0oa1b2c3d4", "client_secret": "…",
    "email_domains": ["acme.com"], "mfa": "idp", "auto_provision": true
}))]
pub struct SsoSettingsRequest {
    /// The provider's issuer URL, exactly as its ID tokens name it; its discovery document
    /// (`/.well-known/openid-configuration`) must answer.
    #[schema(max_length = 512)]
    pub issuer: String,
    #[schema(min_length = 1, max_length = 255)]
    pub client_id: String,
    /// Stored sealed; never shown again. Leave it out to keep the stored one — only while
    /// the issuer and client id stay the same (a new provider gets its own secret; the old
    /// one is never sent elsewhere).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1024)]
    pub client_secret: Option<Secret>,
    /// Email domains whose people sign in at this provider: verified domains of the
    /// organisation (`POST /v1/orgs/{org_id}/domains`; 422 with `domain_not_verified` on the
    /// field otherwise).
    #[schema(max_items = 50)]
    pub email_domains: Vec<String>,
    pub mfa: SsoMfa,
    #[serde(default)]
    pub auto_provision: bool,
    /// Your password: naming the provider members sign in at grants a way into their
    /// accounts.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with `password` once your MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Set the organisation's single sign-on (owners and admins).
///
/// Replaces any earlier settings. The provider's discovery document is fetched to check the
/// issuer (422 `validation_failed` on `issuer` when it cannot be). The issuer and every
/// endpoint the document names must be https URLs whose every address is public (`invalid_url`
/// on `issuer` otherwise; nothing is fetched from an address refused). Audited as
/// `sso.configured`.
#[utoipa::path(
    operation_id = "putOrgSso",
    tag = "sso",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = SsoSettingsRequest,
    responses(
        (status = 200, description = "The settings", body = SsoSettings),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[put("/v1/orgs/{org_id}/sso")]
pub async fn put_settings(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): PasswordBody<SsoSettingsRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let (check_org, check_caller) = (org_id.clone(), caller.clone());
    // Who may, and how often (counted as a password attempt, before this server fetches
    // anything the request names).
    state
        .run(client.clone(), move |cx| {
            crate::service::orgs::admin(cx, &check_org, &check_caller)?;
            rate_limit::take(cx, &[Kind::Password])
        })
        .await?;
    discovery::check(&state.oidc, &body.issuer, state.now()).await?;
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let input = SsoSettingsInput {
        issuer: body.issuer,
        client_id: body.client_id,
        client_secret: body.client_secret,
        email_domains: body.email_domains,
        mfa: body.mfa,
        auto_provision: body.auto_provision,
    };
    let shown = state
        .run_hashing(
            client,
            |_| Ok(()),
            move |cx, ()| settings::put(cx, &caller, &org_id, input, confirmation),
        )
        .await?;
    Ok(HttpResponse::Ok().json(shown))
}

/// The organisation's single sign-on settings (owners and admins); never the client secret.
#[utoipa::path(
    operation_id = "getOrgSso",
    tag = "sso",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The settings", body = SsoSettings),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/sso")]
pub async fn get_settings(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let shown = state
        .run(client, move |cx| settings::get(cx, &caller, &org_id))
        .await?;
    Ok(HttpResponse::Ok().json(shown))
}

/// Turn the organisation's single sign-on off (owners and admins). Members' links to the
/// provider are kept. Audited as `sso.removed`.
#[utoipa::path(
    operation_id = "deleteOrgSso",
    tag = "sso",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/orgs/{org_id}/sso")]
pub async fn delete_settings(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    state
        .run(client, move |cx| settings::delete(cx, &caller, &org_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

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
        (status = 400, response = crate::openapi::BadRequest),
        (status = 404, response = crate::openapi::NotFound),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 502, response = crate::openapi::BadGateway),
        (status = 503, response = crate::openapi::Unavailable),
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
        callback: body.callback,
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
async fn started_answer(state: &AppState, started: Started) -> Result<SsoStarted, ApiError> {
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
    via: Callback,
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
        (status = 400, response = crate::openapi::BadRequest),
        (status = 410, response = crate::openapi::Gone),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 503, response = crate::openapi::Unavailable),
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
    let claimed = claim(&state, client.clone(), flow_state, Callback::Tessera).await?;
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
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 410, response = crate::openapi::Gone),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 423, response = crate::openapi::Locked),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 502, response = crate::openapi::BadGateway),
        (status = 503, response = crate::openapi::Unavailable),
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
        Callback::Client,
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
        (status = 400, response = crate::openapi::BadRequest),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 423, response = crate::openapi::Locked),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 503, response = crate::openapi::Unavailable),
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "org_id": "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a", "redirect_uri": "https://app.example.com/sso",
    "password": "correct horse battery staple"
}))]
pub struct SsoLinkRequest {
    #[schema(value_type = String, format = Uuid)]
    pub org_id: uuid::Uuid,
    /// Where the sign-in ends: one of the server's allowed redirect URIs.
    pub redirect_uri: String,
    #[serde(default)]
    pub callback: Callback,
    /// Required for the browser flow (`callback: "tessera"`), as at `POST /v1/auth/sso/start`:
    /// a link is a sign-in too, and a login code planted in this browser must not link
    /// another identity.
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub exchange_challenge: Option<String>,
    /// Required for the app flow (`callback: "client"`), as at `POST /v1/auth/sso/start`.
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub code_challenge: Option<String>,
    /// The account's password (accounts provisioned by SSO: a recent SSO sign-in instead).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator code or an unused recovery code: required once MFA is on.
    #[schema(value_type = Option<String>, example = "123456")]
    pub code: Option<Secret>,
}

/// Link your account to your organisation's identity provider.
///
/// For a member of the organisation whose email is at one of its verified domains (404 for an
/// organisation the account is not a member of; 409 `domain_not_verified`): confirm with the
/// password and, once MFA is on, a `code` (403 `reauthentication_failed` naming the field
/// otherwise), then sign in at the provider (as with `POST /v1/auth/sso/start`, with the
/// flow's `exchange_challenge` or `code_challenge`, 422 naming it otherwise); the
/// provider's identity is linked to this account (audited as `sso.linked`, and the account is
/// emailed) and signs it in from then on. 409 `sso_identity_linked_elsewhere` when that
/// identity signs in another account.
#[utoipa::path(
    operation_id = "linkSso",
    tag = "sso",
    request_body = SsoLinkRequest,
    responses(
        (status = 200, description = "Where to send the browser", body = SsoStarted),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 502, response = crate::openapi::BadGateway),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/sso/link")]
pub async fn link(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<SsoLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let link = Start {
        target: StartFor::Org(OrgId::from(body.org_id)),
        redirect_uri: body.redirect_uri,
        callback: body.callback,
        link_to: None,
        exchange_challenge: body.exchange_challenge,
        code_challenge: body.code_challenge,
    };
    let started = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| flows::start_link(cx, &caller, confirmation, link),
        )
        .await?;
    Ok(HttpResponse::Ok().json(started_answer(&state, started).await?))
}

/// Your links to organisations' identity providers, newest first.
#[utoipa::path(
    operation_id = "listSsoIdentities",
    tag = "sso",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of links", body = SsoIdentityPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/sso/identities")]
pub async fn list_identities(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            identities::list(cx.conn, caller.account_id(), &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SsoIdentityPage::from(page)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple", "code": "123456"}))]
pub struct SsoUnlinkRequest {
    /// The account's password (accounts without one: a recent SSO sign-in instead).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator code or an unused recovery code: required once MFA is on.
    #[schema(value_type = Option<String>, example = "123456")]
    pub code: Option<Secret>,
}

/// Remove one of your links to an organisation's identity provider.
///
/// Confirmed with the password and, once MFA is on, a `code` (403 `reauthentication_failed`
/// naming the field otherwise). 409 `password_managed_by_idp` for the link to the organisation
/// that manages an account without a password (its only way in). Audited as `sso.unlinked`;
/// the account is emailed.
#[utoipa::path(
    operation_id = "deleteSsoIdentity",
    tag = "sso",
    params(("identity_id" = uuid::Uuid, Path, description = "The link's id")),
    request_body = SsoUnlinkRequest,
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 423, response = crate::openapi::Locked),
        (status = 429, response = crate::openapi::TooManyAttempts),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/me/sso/identities/{identity_id}")]
pub async fn unlink(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): PasswordBody<SsoUnlinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let identity_id = id.into_inner().to_string();
    state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| {
                let proof = confirmation.proof(caller.session_id.clone());
                identities::unlink(cx, &caller, &identity_id, &proof)
            },
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
