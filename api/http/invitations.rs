//! Invitations: an organisation invites an address; the person accepts (membership is
//! consent).

use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{LoginResponse, login_response};
use super::body::{Body, PasswordBody, Query};
use super::error::ApiError;
use super::extract::SessionDelivery;
use super::orgs::org_id;
use super::page_types::InvitationPage;
use super::sessions::ListQuery;
use super::views::orgs::{Invitation, Joined, Role};
use crate::openapi::responses::*;
use crate::service::orgs;
use crate::service::orgs::invitations::{self, NewMember};
use crate::service::pagination::PageRequest;
use crate::service::passwords;
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, Context, OrgId, Secret};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "grace@example.com", "role": "member"}))]
pub struct InvitationRequest {
    /// The address to invite; it need not have an account.
    #[schema(max_length = 254)]
    pub email: String,
    /// The role the person gets on accepting (only owners invite owners and admins).
    pub role: Role,
    /// Your password: required to invite an owner or admin.
    #[schema(value_type = Option<String>)]
    pub password: Option<Secret>,
    /// A current authenticator or recovery code: required with `password` once your MFA is on.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub code: Option<Secret>,
}

/// Invite an address to the organisation (owners and admins; only owners invite owners and
/// admins). An email with a link (`TESSERA_INVITE_URL`, a `tsn_` token, 7 days, single use)
/// goes to the address; a pending invitation of the same address is replaced. An account
/// sends at most 50 invitations an hour, and an address receives at most 5 (429
/// `rate_limited`).
#[utoipa::path(
    operation_id = "createOrgInvitation",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "Invited", body = Invitation),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/invitations")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): PasswordBody<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let confirmation = super::mfa::confirmation(body.password, body.code)?;
    let (email, role) = (body.email, orgs::Role::from(body.role));
    let create = move |cx: &mut Context<'_>| {
        invitations::create(cx, &caller, &org_id, &email, role, confirmation)
    };
    // Only an owner's or admin's invitation checks a password.
    let invitation = state.run_confirming(client, role.manages(), create).await?;
    Ok(HttpResponse::Created().json(Invitation::from(invitation)))
}

/// The organisation's invitations, newest first, with their status (owners and admins).
#[utoipa::path(
    operation_id = "listOrgInvitations",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id"), ListQuery),
    responses(
        (status = 200, description = "A page of invitations", body = InvitationPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/invitations")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            invitations::list(cx, &caller, &org_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InvitationPage::from(page)))
}

fn invitation_path(path: web::Path<(uuid::Uuid, uuid::Uuid)>) -> (OrgId, String) {
    let (org, invitation) = path.into_inner();
    (OrgId::from(org), invitation.to_string())
}

/// Send an invitation again with a new link; the old link stops working (owners and
/// admins).
#[utoipa::path(
    operation_id = "resendOrgInvitation",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("invitation_id" = uuid::Uuid, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 200, description = "Sent again", body = Invitation),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/invitations/{invitation_id}/resend")]
pub async fn resend(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, invitation_id) = invitation_path(path);
    let invitation = state
        .run(client, move |cx| {
            invitations::resend(cx, &caller, &org_id, &invitation_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Invitation::from(invitation)))
}

/// Revoke an invitation: its link no longer joins anyone (owners and admins).
#[utoipa::path(
    operation_id = "revokeOrgInvitation",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("invitation_id" = uuid::Uuid, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/orgs/{org_id}/invitations/{invitation_id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, invitation_id) = invitation_path(path);
    state
        .run(client, move |cx| {
            invitations::revoke(cx, &caller, &org_id, &invitation_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "tsn_9f8e…"}))]
pub struct AcceptInvitationRequest {
    /// The token from the invitation's link.
    #[schema(value_type = String, min_length = 1, max_length = 128)]
    pub token: Secret,
    /// Without a session, for an address that has no account: the new account's password.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 1024)]
    pub password: Option<Secret>,
    /// Without a session, for a new account: its display name.
    #[schema(max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub display_name: Option<String>,
}

/// Joined: the signed-in account is now a member.
#[derive(Serialize, ToSchema)]
pub struct InvitationJoined {
    /// Always `joined` here.
    #[schema(pattern = "^joined$", example = "joined")]
    pub status: String,
    pub membership: Joined,
}

/// The answer to an accepted invitation: `joined` (accepted with a session), or, for a new
/// account, a login's answer (`authenticated`, or `mfa_enrollment_required` when the
/// organisation requires MFA with no grace period). More statuses may be added.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
pub enum AcceptInvitationResponse {
    Joined(InvitationJoined),
    SignedIn(LoginResponse),
}

/// Accept an invitation.
///
/// With a session of the account whose address was invited: it joins (and its address is
/// proven). Without a session, for an address that has no account: send `password` (and
/// optionally `display_name`) to create an account that the organisation manages; the answer
/// is a login's. An address that has an account but no session: 409 `sign_in_required`. An
/// unknown, revoked or used token: 404 `invitation_invalid`; after 7 days: 410
/// `invitation_expired`.
#[utoipa::path(
    operation_id = "acceptInvitation",
    tag = "orgs",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 200, description = "Joined, or signed in as the new account", body = AcceptInvitationResponse),
        Errors<(JsonBody, Forbidden, NotFound, Conflict, Gone, TooManyAttempts, Unavailable)>,
    ),
    security((), ("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/invitations/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    client: ClientInfo,
    delivery: SessionDelivery,
    Body(body): PasswordBody<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let AcceptInvitationRequest {
        token,
        password,
        display_name,
    } = body;
    if let Some(caller) = caller {
        let membership = state
            .run(client, move |cx| {
                rate_limit::take(cx, &[Kind::Code])?;
                invitations::accept_signed_in(cx, &caller, &token)
            })
            .await?;
        return Ok(
            HttpResponse::Ok().json(AcceptInvitationResponse::Joined(InvitationJoined {
                status: "joined".into(),
                membership: membership.into(),
            })),
        );
    }
    let password = password.ok_or_else(|| {
        ApiError::from(crate::service::Error::invalid(vec![
            crate::service::FieldError::new(
                "password",
                "required",
                "a password for the new account is required (or sign in first if you have an account)",
            ),
        ]))
    })?;
    passwords::check_size("password", &password).map_err(ApiError::from)?;
    let outcome = state
        .run_hashing(
            client,
            move |cx| {
                rate_limit::take(cx, &[Kind::SignUp, Kind::Password])?;
                let new = NewMember {
                    password,
                    display_name,
                };
                invitations::check_new_member(cx, &token, &new)?;
                Ok((token, new))
            },
            |cx, (token, new)| invitations::accept_as_new_account(cx, &token, new),
        )
        .await?;
    Ok(login_response(&state, &delivery, outcome))
}
