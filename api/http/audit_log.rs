use super::body::Query;
use actix_web::{HttpResponse, get, web};

use super::error::ApiError;
use super::extract::Reader;
use super::page_types::AuditEventPage;
use super::sessions::ListQuery;
use crate::openapi::responses::*;
use crate::service::api_keys::Scope;
use crate::service::pagination::PageRequest;
use crate::service::{ClientInfo, audit};
use crate::state::AppState;

/// The account's security events, newest first.
#[utoipa::path(
    operation_id = "listAuditLog",
    tag = "audit-log",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of audit events", body = AuditEventPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = []), ("api_key" = [])),
)]
#[get("/v1/me/audit-log")]
pub async fn list(
    state: web::Data<AppState>,
    reader: Reader,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let account_id = reader.require(Scope::AuditLogRead)?.clone();
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            audit::list(cx.conn, audit::AuditLogOf::Account(&account_id), &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AuditEventPage::from(page)))
}
