use actix_web::{HttpResponse, get, web};

use super::extract::CurrentSession;
use super::pages::LoginEventPage;
use super::sessions::ListQuery;
use crate::error::ApiError;
use crate::service::history;
use crate::service::pagination::PageRequest;
use crate::state::AppState;

/// The account's login attempts, newest first (kept for 90 days by default).
#[utoipa::path(
    operation_id = "listLoginHistory",
    tag = "login-history",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of login attempts", body = LoginEventPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/login-history")]
pub async fn list(
    state: web::Data<AppState>,
    caller: CurrentSession,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = state
        .db(move |conn| history::list(conn, &caller.account.id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(LoginEventPage::from(page)))
}
