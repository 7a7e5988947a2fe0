use super::body::Query;
use actix_web::{HttpResponse, get, web};

use super::error::ApiError;
use super::extract::Reader;
use super::page_types::LoginEventPage;
use super::sessions::ListQuery;
use crate::openapi::responses::*;
use crate::service::api_keys::Scope;
use crate::service::pagination::PageRequest;
use crate::service::{ClientInfo, history};
use crate::state::AppState;

/// The account's login attempts, newest first (kept for 90 days by default).
#[utoipa::path(
    operation_id = "listLoginHistory",
    tag = "login-history",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of login attempts", body = LoginEventPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = []), ("api_key" = [])),
)]
#[get("/v1/me/login-history")]
pub async fn list(
    state: web::Data<AppState>,
    reader: Reader,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let account_id = reader.require(Scope::LoginHistoryRead)?.clone();
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            history::list(cx.conn, &account_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(LoginEventPage::from(page)))
}
