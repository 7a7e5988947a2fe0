use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Body, PasswordBody, Query};
use super::error::ApiError;
use super::page_types::ApiKeyPage;
use super::sessions::ListQuery;
use super::views::api_keys::{IssuedApiKey, Scope};
use crate::openapi::responses::*;
use crate::service::api_keys;
use crate::service::pagination::PageRequest;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, Secret};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "CI pipeline", "scopes": ["profile:read"], "expires_at": "2027-01-01T00:00:00Z", "password": "correct horse battery staple"}))]
pub struct CreateApiKeyRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What the key may read; every read scope when left out.
    pub scopes: Option<Vec<Scope>>,
    /// When the key stops working; never when left out.
    pub expires_at: Option<DateTime<Utc>>,
    /// The account's current password (a key is a way into the account's data). Accounts
    /// without a password (SSO) sign in at their provider again instead.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required once MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// What giving a key a new secret asks for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple"}))]
pub struct RotateApiKeyRequest {
    /// The account's current password.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required once MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Create an API key for scripts and integrations: it reads what its scopes name (`GET
/// /v1/me`, sessions, login history, audit log) as `Authorization: Bearer tsk_…`, and nothing
/// else. The key is shown only in this answer. Needs the password, and a current code once MFA
/// is on (403 `reauthentication_failed` naming the field otherwise); the account is emailed.
#[utoipa::path(
    operation_id = "createApiKey",
    tag = "api-keys",
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created; the key is shown only here", body = IssuedApiKey),
        Errors<(JsonBody, Unauthenticated, Forbidden, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/api-keys")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): PasswordBody<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let scopes = body
        .scopes
        .map(|scopes| scopes.into_iter().map(Into::into).collect());
    let (name, expires_at) = (body.name, body.expires_at);
    let issued = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| api_keys::create(cx, &caller, &name, scopes, expires_at, confirmation),
        )
        .await?;
    Ok(HttpResponse::Created().json(IssuedApiKey::from(issued)))
}

/// The account's API keys, newest first (never their secrets).
#[utoipa::path(
    operation_id = "listApiKeys",
    tag = "api-keys",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of keys", body = ApiKeyPage),
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/api-keys")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            api_keys::list(cx, caller.account_id(), &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ApiKeyPage::from(page)))
}

/// Give a key a new secret, shown only in this answer; the old one stops working at once.
/// Asks what creating a key asks (the password, and a code once MFA is on).
#[utoipa::path(
    operation_id = "rotateApiKey",
    tag = "api-keys",
    params(("id" = uuid::Uuid, Path, description = "The key's id")),
    request_body = RotateApiKeyRequest,
    responses(
        (status = 200, description = "Rotated; the new key is shown only here", body = IssuedApiKey),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/api-keys/{id}/rotate")]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): PasswordBody<RotateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let key_id = id.into_inner().to_string();
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let issued = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| api_keys::rotate(cx, &caller, &key_id, confirmation),
        )
        .await?;
    Ok(HttpResponse::Ok().json(IssuedApiKey::from(issued)))
}

/// Delete a key; it stops working at once.
#[utoipa::path(
    operation_id = "deleteApiKey",
    tag = "api-keys",
    params(("id" = uuid::Uuid, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Deleted"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/me/api-keys/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let key_id = id.into_inner().to_string();
    state
        .run(client, move |cx| api_keys::delete(cx, &caller, &key_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
