use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{Body, CsvBody, PasswordBody, Query};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::mfa::ActivationAnswer;
use super::page_types::{FreeTokenPage, HardwareTokenPage};
use super::session_cookie;
use super::sessions::ListQuery;
use super::views::hardware_tokens::HardwareToken;
use crate::openapi::responses::*;
use crate::service::mfa::enrolment;
use crate::service::mfa::tickets::Enroller;
use crate::service::orgs::hardware_tokens::{self, NewToken};
use crate::service::pagination::PageRequest;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, OrgId, Secret, mfa};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Front desk", "serial": "FT-0001", "model": "Feitian c200", "period": 30, "digits": 6, "algorithm": "SHA1", "secret": "3132333435363738393031323334353637383930"}))]
pub struct RegisterTokenRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Unique in the organisation.
    #[schema(min_length = 1, max_length = 64)]
    pub serial: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub model: String,
    /// Seconds per code, 10 to 300.
    #[schema(minimum = 10, maximum = 300)]
    pub period: i64,
    /// 6, 7 or 8.
    #[schema(minimum = 6, maximum = 8)]
    pub digits: i64,
    /// `SHA1`, `SHA256` or `SHA512`.
    #[schema(example = "SHA1")]
    pub algorithm: String,
    /// The seed, hex or base32 (a `hex:` or `base32:` prefix settles which), 128 to 512
    /// bits. Never returned.
    #[schema(value_type = String)]
    pub secret: Secret,
}

/// Register a hardware TOTP token (owners and admins). Its secret is sealed and never
/// returned.
#[utoipa::path(
    operation_id = "registerHardwareToken",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = RegisterTokenRequest,
    responses(
        (status = 201, description = "Registered", body = HardwareToken),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/hardware-tokens")]
pub async fn register(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<RegisterTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = OrgId::from(id.into_inner());
    let token = NewToken {
        name: body.name,
        serial: body.serial,
        model: body.model,
        period: body.period,
        digits: body.digits,
        algorithm: body.algorithm,
        secret: body.secret,
    };
    let registered = state
        .run(client, move |cx| {
            hardware_tokens::register(cx, &caller, &org_id, token)
        })
        .await?;
    Ok(HttpResponse::Created().json(HardwareToken::from(registered)))
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    #[schema(example = 3)]
    pub imported: usize,
}

/// Import hardware tokens from CSV (owners and admins): a header row
/// `name,serial,model,period,digits,algorithm,secret`, then a token per row. Every row is
/// checked first; one bad row (a field, or a serial used twice or already registered) and
/// nothing is imported: 422 lists every problem as `line N: field`.
#[utoipa::path(
    operation_id = "importHardwareTokens",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body(content = String, content_type = "text/csv", description = "The tokens, one per row after the header"),
    responses(
        (status = 201, description = "All imported", body = Imported),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/hardware-tokens/import")]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    CsvBody(csv): CsvBody,
) -> Result<HttpResponse, ApiError> {
    let org_id = OrgId::from(id.into_inner());
    let imported = state
        .run(client, move |cx| {
            hardware_tokens::import(cx, &caller, &org_id, &csv)
        })
        .await?;
    Ok(HttpResponse::Created().json(Imported { imported }))
}

/// The organisation's hardware tokens, newest first, with the member each is assigned to
/// (owners and admins).
#[utoipa::path(
    operation_id = "listHardwareTokens",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id"), ListQuery),
    responses(
        (status = 200, description = "A page of tokens", body = HardwareTokenPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/hardware-tokens")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = OrgId::from(id.into_inner());
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            hardware_tokens::list(cx, &caller, &org_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(HardwareTokenPage::from(page)))
}

/// The hardware tokens you may bind: those no one holds yet in your organisations, newest
/// first (name, serial, model; never a secret). Also open to the bearer of an enrolment ticket,
/// to choose the token to bind.
#[utoipa::path(
    operation_id = "listFreeHardwareTokens",
    tag = "mfa",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of tokens to choose from", body = FreeTokenPage),
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/mfa/hardware-tokens")]
pub async fn free_to_bind(
    state: web::Data<AppState>,
    enroller: Enroller,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            hardware_tokens::free_to_bind(cx, enroller.account_id(), &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FreeTokenPage::from(page)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// Also remove an assigned token, and the holder's factor with it.
    #[serde(default)]
    pub force: bool,
}

/// Remove a hardware token (owners and admins). An assigned one answers 409
/// `token_assigned` unless `force=true`.
#[utoipa::path(
    operation_id = "removeHardwareToken",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("token_id" = uuid::Uuid, Path, description = "The token's id"),
        RemoveQuery,
    ),
    responses(
        (status = 204, description = "Removed"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/orgs/{org_id}/hardware-tokens/{token_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
    query: Query<RemoveQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, token_id) = ids.into_inner();
    let (org_id, token_id) = (OrgId::from(org_id), token_id.to_string());
    let force = query.force;
    state
        .run(client, move |cx| {
            hardware_tokens::remove(cx, &caller, &org_id, &token_id, force)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"org_id": "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a", "serial": "FT-0001", "code": "12345678"}))]
pub struct BindTokenRequest {
    /// The organisation that registered the token (you must be a member).
    pub org_id: uuid::Uuid,
    #[schema(min_length = 1, max_length = 64)]
    pub serial: String,
    /// The code the token shows now.
    #[schema(value_type = String, pattern = r"^[0-9]{6,8}$")]
    pub code: Secret,
    /// The account's current password. Required with a session; not with an enrolment ticket.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current code from one of your active factors, or a recovery code: required with a
    /// session once MFA is on (the token is a new way in).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub mfa_code: Option<Secret>,
}

/// Bind one of your organisation's hardware tokens as your second factor, by proving a code
/// from it. With a session, the password is needed too, and once MFA is on a current code
/// (`mfa_code`) as for every new way in. Also open to the bearer of an enrolment ticket, whose
/// login it then completes.
#[utoipa::path(
    operation_id = "bindHardwareToken",
    tag = "mfa",
    request_body = BindTokenRequest,
    responses(
        (status = 200, description = "Factor active", body = ActivationAnswer),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/me/mfa/hardware-token")]
pub async fn bind(
    state: web::Data<AppState>,
    enroller: Enroller,
    client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): PasswordBody<BindTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    mfa::check_code_shape("code", &body.code)?;
    let confirmation = super::mfa::confirmation_naming("mfa_code", body.password, body.mfa_code)?;
    let org_id = OrgId::from(body.org_id);
    let (serial, code) = (body.serial, body.code);
    let activated = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Code, Kind::Password]),
            move |cx, ()| {
                enrolment::bind_hardware_token(cx, &enroller, &org_id, &serial, &code, confirmation)
            },
        )
        .await?;
    let mut response = HttpResponse::Ok();
    let answer = ActivationAnswer::from_activated(activated, &delivery, |token| {
        response.cookie(session_cookie(&state, token));
    });
    Ok(response.json(answer))
}
