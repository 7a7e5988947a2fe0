//! An organisation's single sign-on settings: its provider, the domains signed in there, and
//! who owns the second factor (owners and admins).

use actix_web::{HttpResponse, delete, get, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Body, PasswordBody};
use super::error::ApiError;
use super::orgs::org_id;
use super::views::sso::{SsoMfa, SsoSettings};
use crate::openapi::responses::*;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::sso::discovery;
use crate::service::sso::settings::{self, SsoSettingsInput};
use crate::service::{ClientInfo, Secret};
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
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
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
        mfa: body.mfa.into(),
        auto_provision: body.auto_provision,
    };
    let shown = state
        .run_hashing(
            client,
            |_| Ok(()),
            move |cx, ()| settings::put(cx, &caller, &org_id, input, confirmation),
        )
        .await?;
    Ok(HttpResponse::Ok().json(SsoSettings::from(shown)))
}

/// The organisation's single sign-on settings (owners and admins); never the client secret.
#[utoipa::path(
    operation_id = "getOrgSso",
    tag = "sso",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The settings", body = SsoSettings),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
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
    Ok(HttpResponse::Ok().json(SsoSettings::from(shown)))
}

/// Turn the organisation's single sign-on off (owners and admins). Members' links to the
/// provider are kept. Audited as `sso.removed`.
#[utoipa::path(
    operation_id = "deleteOrgSso",
    tag = "sso",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 204, description = "Removed"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
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
