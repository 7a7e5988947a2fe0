//! An organisation's domains: claimed, proven by a DNS TXT record, listed, removed.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::Body;
use super::error::ApiError;
use super::orgs::org_id;
use super::views::domains::Domain;
use crate::openapi::responses::*;
use crate::service::orgs::domains::{self, Check};
use crate::service::sessions::Caller;
use crate::service::{ClientInfo, OrgId};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"domain": "acme.com"}))]
pub struct DomainRequest {
    /// A domain name; internationalised names are taken in their ASCII (punycode) form.
    #[schema(max_length = 253)]
    pub domain: String,
}

/// The organisation's domains: all of them (at most 50), by name.
#[derive(Serialize, ToSchema)]
pub struct DomainList {
    pub items: Vec<Domain>,
}

fn domain_path(path: web::Path<(uuid::Uuid, String)>) -> (OrgId, String) {
    let (org, domain) = path.into_inner();
    (OrgId::from(org), domain)
}

/// Claim a domain for the organisation (owners and admins).
///
/// Answers the TXT record to publish (`_tessera-challenge.<domain>`); then ask for the check
/// (`POST …/domains/{domain}/verify`). A claim proves nothing: only a verified domain routes
/// single sign-on, provisions accounts, or makes the organisation's provider trusted for its
/// emails. Several organisations may claim a domain; the first to verify it has it (409
/// `domain_taken` for the others). Claiming a domain the organisation claims already answers
/// that claim (200). At most 50 per organisation (409 `limit_reached`). Audited as
/// `domain.added`.
#[utoipa::path(
    operation_id = "addOrgDomain",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    request_body = DomainRequest,
    responses(
        (status = 201, description = "Claimed", body = Domain),
        (status = 200, description = "Claimed already", body = Domain),
        Errors<(JsonBody, Unauthenticated, Forbidden, NotFound, Conflict, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/domains")]
pub async fn add(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
    Body(body): Body<DomainRequest>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let (domain, created) = state
        .run(client, move |cx| {
            domains::add(cx, &caller, &org_id, &body.domain)
        })
        .await?;
    let domain = Domain::from(domain);
    Ok(if created {
        HttpResponse::Created().json(domain)
    } else {
        HttpResponse::Ok().json(domain)
    })
}

/// The organisation's domains, verified or not (owners and admins).
#[utoipa::path(
    operation_id = "listOrgDomains",
    tag = "orgs",
    params(("org_id" = uuid::Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The domains", body = DomainList),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/orgs/{org_id}/domains")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let org_id = org_id(id);
    let items = state
        .run(ClientInfo::default(), move |cx| {
            domains::list(cx, &caller, &org_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DomainList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Check the domain's TXT record and verify the domain (owners and admins).
///
/// Looks `_tessera-challenge.<domain>` up in DNS: the domain is verified when one of its TXT
/// records is the claim's value; 409 `domain_not_verified` naming what was found otherwise.
/// 409 `domain_taken` when another organisation verified it first. At most 10 checks an hour
/// per organisation (429). A domain verified already answers at once. Audited as
/// `domain.verified`.
#[utoipa::path(
    operation_id = "verifyOrgDomain",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("domain" = String, Path, description = "The domain, as claimed"),
    ),
    responses(
        (status = 200, description = "Verified", body = Domain),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, TooManyAttempts, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/orgs/{org_id}/domains/{domain}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    path: web::Path<(uuid::Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, domain) = domain_path(path);
    let (check_caller, check_org, check_domain) = (caller.clone(), org_id.clone(), domain.clone());
    let check = state
        .run(client.clone(), move |cx| {
            domains::check_to_make(cx, &check_caller, &check_org, &check_domain)
        })
        .await?;
    let record = match check {
        Check::Verified(domain) => return Ok(HttpResponse::Ok().json(Domain::from(domain))),
        Check::LookUp(record) => record,
    };
    let found = state.dns.txt(&record.name).await;
    let verified = state
        .run(client, move |cx| {
            domains::confirm(cx, &caller, &org_id, &domain, found)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Domain::from(verified)))
}

/// Remove a domain from the organisation (owners and admins).
///
/// A verified domain stops routing single sign-on and provisioning accounts at once (the
/// links made stay). Audited as `domain.removed`.
#[utoipa::path(
    operation_id = "deleteOrgDomain",
    tag = "orgs",
    params(
        ("org_id" = uuid::Uuid, Path, description = "The organisation's id"),
        ("domain" = String, Path, description = "The domain, as claimed"),
    ),
    responses(
        (status = 204, description = "Removed"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/orgs/{org_id}/domains/{domain}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    path: web::Path<(uuid::Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, domain) = domain_path(path);
    state
        .run(client, move |cx| {
            domains::remove(cx, &caller, &org_id, &domain)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
