use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body::{Body, PasswordBody, Query};
use super::error::ApiError;
use super::page_types::{AuditEventPage, MemberPage, MembershipPage};
use super::sessions::ListQuery;
use super::views::mfa::FactorType;
use super::views::orgs::{Member, MemberMfa, Org, Role};
use crate::openapi::responses::*;
use crate::service::orgs::{self, OrgChange};
use crate::service::pagination::PageRequest;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{AccountId, ClientInfo, Context, OrgId, Secret};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Acme"}))]
pub struct OrgRequest {
    /// 1 to 100 characters, no control characters; surrounding spaces are trimmed.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\x00-\x1F\x7F-\x9F\s][^\x00-\x1F\x7F-\x9F]*$"
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
        Errors<(JsonBody, Unauthenticated, Forbidden, Conflict, Unavailable)>,
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
    Ok(HttpResponse::Created().json(Org::from(org)))
}

/// A number of days as JSON Schema's `integer` has it: `3` or `3.0`, not `3.5`.
fn whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let number = f64::deserialize(d)?;
    let whole =
        number.fract() == 0.0 && number >= f64::from(i32::MIN) && number <= f64::from(i32::MAX);
    if !whole {
        return Err(serde::de::Error::custom("expected a whole number of days"));
    }
    Ok(number as i32)
}

fn some_whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    Option::<f64>::deserialize(d)?
        .map(|number| whole_days(serde::de::value::F64Deserializer::<D::Error>::new(number)))
        .transpose()
}

pub(super) fn org_id(id: web::Path<uuid::Uuid>) -> OrgId {
    OrgId::from(id.into_inner())
}

/// An organisation you are a member of (404 otherwise).
#[utoipa::path(
    operation_id = "getOrg",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The organisation", body = Org),
        Errors<(BadRequest, Unauthenticated, NotFound, Unavailable)>,
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
    Ok(HttpResponse::Ok().json(Org::from(org)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"require_mfa": true, "enforcement_delay_days": 7}))]
pub struct UpdateOrgRequest {
    /// 1 to 100 characters, no control characters; surrounding spaces are trimmed.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\x00-\x1F\x7F-\x9F\s][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    /// Require MFA of every member. Turning it on starts each member's grace period now.
    pub require_mfa: Option<bool>,
    /// The members' grace period in days, 0 to 365 (0: enrolment is forced at the next login).
    #[serde(default, deserialize_with = "some_whole_days")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 365)]
    pub enforcement_delay_days: Option<i32>,
    /// The second factors that meet the requirement (owners only), at least one; all four
    /// allow any.
    #[schema(min_items = 1, example = json!(["totp", "hardware_token"]))]
    pub allowed_methods: Option<Vec<FactorType>>,
}

/// Change the organisation: its name, and whether it requires MFA of every member and with
/// what grace period (owners and admins). Fields left out stay as they are.
#[utoipa::path(
    operation_id = "updateOrg",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = UpdateOrgRequest,
    responses(
        (status = 200, description = "The organisation", body = Org),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[patch("/v1/orgs/{org_id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<UpdateOrgRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let change = OrgChange {
        name: body.name,
        require_mfa: body.require_mfa,
        enforcement_delay_days: body.enforcement_delay_days,
        allowed_methods: body
            .allowed_methods
            .map(|methods| methods.into_iter().map(Into::into).collect()),
    };
    let org = state
        .run(client, move |cx| orgs::update(cx, &caller, &org_id, change))
        .await?;
    Ok(HttpResponse::Ok().json(Org::from(org)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page (opaque; only cursors this server handed out work).
    #[param(pattern = r"^[A-Za-z0-9_-]{1,256}$")]
    pub cursor: Option<String>,
    /// Only members whose MFA status is this. A filtered page may hold fewer than `limit`
    /// members: follow `next_cursor` for the rest.
    #[param(inline)]
    pub mfa_status: Option<MfaStatusFilter>,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum MfaStatusFilter {
    NotRequired,
    Pending,
    Active,
    Disabled,
}

impl MfaStatusFilter {
    fn name(self) -> &'static str {
        match self {
            MfaStatusFilter::NotRequired => "not_required",
            MfaStatusFilter::Pending => "pending",
            MfaStatusFilter::Active => "active",
            MfaStatusFilter::Disabled => "disabled",
        }
    }
}

/// The organisation's members, newest first, each with their MFA status, deadline and
/// factors (owners and admins).
#[utoipa::path(
    operation_id = "listOrgMembers",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id"), MembersQuery),
    responses(
        (status = 200, description = "A page of members", body = MemberPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: Query<MembersQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let status = query.mfa_status.map(MfaStatusFilter::name);
    let page = state
        .run(ClientInfo::default(), move |cx| {
            orgs::members(cx, &caller, &org_id, &page, status)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberPage::from(page)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "grace@example.com", "role": "member"}))]
pub struct AddMemberRequest {
    /// The email of an account the organisation manages.
    #[schema(max_length = 254)]
    pub email: String,
    pub role: Role,
}

/// Add back an account the organisation manages (one it created, since removed) (owners and
/// admins; only owners add owners and admins). Anyone else is invited
/// (`POST /v1/orgs/{org_id}/invitations`): 409 `invitation_required`.
#[utoipa::path(
    operation_id = "addOrgMember",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = AddMemberRequest,
    responses(
        (status = 201, description = "Added", body = Member),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
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
            orgs::add_member(cx, &caller, &org_id, &body.email, body.role.into())
        })
        .await?;
    Ok(HttpResponse::Created().json(Member::from(member)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "admin"}))]
pub struct RoleRequest {
    pub role: Role,
    /// Your password: required to make someone an owner or admin.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with `password` once your MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// The proof a reset of a member's MFA asks of the admin.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple", "code": "123456"}))]
pub struct ResetMfaRequest {
    /// Your password: required (a reset strips a member's factors).
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with `password` once your MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
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
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[patch("/v1/orgs/{org_id}/members/{account_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
    Body(body): PasswordBody<RoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = member_ids(ids);
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let role = orgs::Role::from(body.role);
    let change = move |cx: &mut Context<'_>| {
        orgs::change_role(cx, &caller, &org_id, &member, role, confirmation)
    };
    // Only making an owner or admin checks a password.
    state.run_confirming(client, role.manages(), change).await?;
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
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
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
    let (org_id, member) = member_ids(ids);
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
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/audit-log")]
pub async fn audit_log(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: Query<ListQuery>,
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

fn member_ids(ids: web::Path<(uuid::Uuid, uuid::Uuid)>) -> (OrgId, AccountId) {
    let (org_id, member) = ids.into_inner();
    (OrgId::from(org_id), AccountId::from(member))
}

/// A member's MFA: whether it is required and by whom, the deadline, the status (with
/// `activated_at` and `disabled_at`) and factors (owners and admins).
#[utoipa::path(
    operation_id = "getOrgMemberMfa",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id"),
    ),
    responses(
        (status = 200, description = "The member's MFA", body = MemberMfa),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/members/{account_id}/mfa")]
pub async fn member_mfa(
    state: web::Data<AppState>,
    caller: Caller,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = member_ids(ids);
    let mfa = state
        .run(ClientInfo::default(), move |cx| {
            orgs::member_mfa(cx, &caller, &org_id, &member)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberMfa::from(mfa)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"required": true, "enforcement_delay_days": 3}))]
pub struct MemberRequirementRequest {
    /// Require MFA of this member (their own requirement overrides the organisation's); false
    /// clears it (the organisation's may still apply).
    pub required: bool,
    /// Grace period in days, 0 to 365 (0: enrolment is forced at the next login). The
    /// deadline is now plus this; changing it later moves the deadline.
    #[serde(default, deserialize_with = "whole_days")]
    #[schema(minimum = 0, maximum = 365)]
    pub enforcement_delay_days: i32,
}

/// Require MFA of one member with a grace period, or clear that requirement (owners and
/// admins).
#[utoipa::path(
    operation_id = "setOrgMemberMfaRequirement",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id"),
    ),
    request_body = MemberRequirementRequest,
    responses(
        (status = 200, description = "The member's MFA", body = MemberMfa),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[put("/v1/orgs/{org_id}/members/{account_id}/mfa")]
pub async fn set_member_requirement(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
    Body(body): Body<MemberRequirementRequest>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = member_ids(ids);
    let mfa = state
        .run(client, move |cx| {
            orgs::set_member_requirement(
                cx,
                &caller,
                &org_id,
                &member,
                body.required,
                body.enforcement_delay_days,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberMfa::from(mfa)))
}

/// Reset a member's MFA (a lost phone): factors and recovery codes are removed, the member's
/// sessions end, and the enforcement clock starts again (owners and admins, for accounts the
/// organisation manages). Asks for your password, and a current code once your MFA is on
/// (403 `reauthentication_failed` naming the field): a stolen session alone strips nobody's
/// MFA.
#[utoipa::path(
    operation_id = "resetOrgMemberMfa",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("account_id" = uuid::Uuid, Path, description = "The member's account id"),
    ),
    request_body = ResetMfaRequest,
    responses(
        (status = 200, description = "The member's MFA after the reset", body = MemberMfa),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/members/{account_id}/mfa/reset")]
pub async fn reset_member_mfa(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    ids: web::Path<(uuid::Uuid, uuid::Uuid)>,
    Body(body): PasswordBody<ResetMfaRequest>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member) = member_ids(ids);
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let mfa = state
        .run_hashing(
            client,
            |cx| rate_limit::take(cx, &[Kind::Password]),
            move |cx, ()| orgs::reset_member_mfa(cx, &caller, &org_id, &member, confirmation),
        )
        .await?;
    Ok(HttpResponse::Ok().json(MemberMfa::from(mfa)))
}

/// The organisations you are a member of, newest membership first, with your role and
/// whether the organisation manages your account.
#[utoipa::path(
    operation_id = "listMyOrgs",
    tag = "me",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of memberships", body = MembershipPage),
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/orgs")]
pub async fn my_orgs(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            orgs::my_orgs(cx, &caller, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MembershipPage::from(page)))
}
