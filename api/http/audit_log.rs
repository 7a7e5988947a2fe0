use actix_web::{HttpResponse, get, web};

use super::extract::CurrentSession;
use super::pages::AuditEventPage;
use super::sessions::ListQuery;
use crate::error::ApiError;
use crate::service::audit;
use crate::service::pagination::PageRequest;
use crate::state::AppState;

/// The account's security events, newest first.
#[utoipa::path(
    operation_id = "listAuditLog",
    tag = "audit-log",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of audit events", body = AuditEventPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/audit-log")]
pub async fn list(
    state: web::Data<AppState>,
    caller: CurrentSession,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = state
        .db(move |conn| audit::list(conn, &caller.account.id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(AuditEventPage::from(page)))
}
