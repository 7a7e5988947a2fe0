//! The signed-in account's links to organisations' identity providers (`/v1/me/sso/…`):
//! linking one (a sign-in at the provider), listing and removing them.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Body, PasswordBody, Query};
use super::error::ApiError;
use super::page_types::SsoIdentityPage;
use super::sessions::ListQuery;
use super::sso::{SsoStarted, started_answer};
use super::views::sso::Callback;
use crate::openapi::responses::*;
use crate::service::pagination::PageRequest;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::sso::flows::{self, Start, StartFor};
use crate::service::sso::identities;
use crate::service::{ClientInfo, OrgId, Secret};
use crate::state::AppState;

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
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, BadGateway, Unavailable)>,
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
        callback: body.callback.into(),
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
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
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
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Locked, TooManyAttempts, Unavailable)>,
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
