use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::Body;
use super::error::ApiError;
use super::page_types::{AuditEventPage, MemberPage};
use super::sessions::ListQuery;
use crate::service::orgs::{self, Member, Org, Role};
use crate::service::pagination::PageRequest;
use crate::service::sessions::Caller;
use crate::service::{AccountId, ClientInfo, OrgId};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Acme"}))]
pub struct OrgRequest {
    /// 1 to 100 characters, no control characters; surrounding spaces are trimmed.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*\S[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
}

/// Create an organisation; you become its owner.
#[utoipa::path(
    operation_id = "createOrg",
    tag = "orgs",
    request_body = OrgRequest,
    responses(
        (status = 201, description = "Created", body = Org),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(body): Body<OrgRequest>,
) -> Result<HttpResponse, ApiError> {
    let org = state
        .run(client, move |cx| orgs::create(cx, &caller, &body.name))
        .await?;
    Ok(HttpResponse::Created().json(org))
}

fn org_id(id: web::Path<uuid::Uuid>) -> OrgId {
    OrgId::from(id.into_inner().to_string())
}

/// An organisation you are a member of (404 otherwise).
#[utoipa::path(
    operation_id = "getOrg",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The organisation", body = Org),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 404, response = crate::openapi::NotFound),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let org = state
        .run(ClientInfo::default(), move |cx| {
            orgs::get(cx, &caller, &org_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(org))
}

/// Rename the organisation (owners and admins).
#[utoipa::path(
    operation_id = "updateOrg",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = OrgRequest,
    responses(
        (status = 200, description = "The organisation", body = Org),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[patch("/v1/orgs/{org_id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<OrgRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let org = state
        .run(client, move |cx| {
            orgs::rename(cx, &caller, &org_id, &body.name)
        })
        .await?;
    Ok(HttpResponse::Ok().json(org))
}

/// The organisation's members, newest first, with their MFA state (owners and admins).
#[utoipa::path(
    operation_id = "listOrgMembers",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id"), ListQuery),
    responses(
        (status = 200, description = "A page of members", body = MemberPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            orgs::members(cx, &caller, &org_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberPage::from(page)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "grace@example.com", "role": "member"}))]
pub struct AddMemberRequest {
    /// The email of an existing account.
    #[schema(max_length = 254)]
    pub email: String,
    pub role: Role,
}

/// Add an existing account to the organisation (owners and admins; only owners add owners).
#[utoipa::path(
    operation_id = "addOrgMember",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = AddMemberRequest,
    responses(
        (status = 201, description = "Added", body = Member),
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
#[post("/v1/orgs/{org_id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<AddMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let member = state
        .run(client, move |cx| {
            orgs::add_member(cx, &caller, &org_id, &body.email, body.role)
        })
        .await?;
    Ok(HttpResponse::Created().json(member))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "admin"}))]
pub struct RoleRequest {
    pub role: Role,
}

/// Change a member's role (owners and admins; only owners touch the owner role; an
/// organisation always keeps an owner: 409 `last_owner`).
#[utoipa::path(
    operation_id = "updateOrgMember",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id"),
    ),
    request_body = RoleRequest,
    responses(
        (status = 204, description = "Role changed"),
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
#[patch("/v1/orgs/{org_id}/members/{account_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
    Body(body): Body<RoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = ids.into_inner();
    let (org_id, member) = (
        OrgId::from(org_id.to_string()),
        AccountId::from(member.to_string()),
    );
    state
        .run(client, move |cx| {
            orgs::change_role(cx, &caller, &org_id, &member, body.role)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove a member (owners and admins), or leave (any member); never the last owner.
#[utoipa::path(
    operation_id = "removeOrgMember",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/orgs/{org_id}/members/{account_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = ids.into_inner();
    let (org_id, member) = (
        OrgId::from(org_id.to_string()),
        AccountId::from(member.to_string()),
    );
    state
        .run(client, move |cx| {
            orgs::remove_member(cx, &caller, &org_id, &member)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organisation's audit log: its creation and changes, and its members' memberships
/// (owners and admins), newest first.
#[utoipa::path(
    operation_id = "listOrgAuditLog",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id"), ListQuery),
    responses(
        (status = 200, description = "A page of audit events", body = AuditEventPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/audit-log")]
pub async fn audit_log(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            orgs::audit_log(cx, &caller, &org_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AuditEventPage::from(page)))
}
