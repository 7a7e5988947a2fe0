use super::body::Query;
use actix_web::{HttpResponse, delete, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use super::extract::Reader;
use super::page_types::SessionPage;
use super::views::accounts::Account;
use super::views::sessions::Session;
use crate::openapi::responses::*;
use crate::service::api_keys::Scope;
use crate::service::pagination::PageRequest;
use crate::service::sessions::{self, Caller, CheckedSession};
use crate::service::{ClientInfo, SessionId};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CurrentSessionResponse {
    pub account: Account,
    pub session: Session,
}

/// Check a session: who is signed in, and how.
///
/// The integrators' session check. Answers 401 for a missing, expired or revoked token.
#[utoipa::path(
    operation_id = "getCurrentSession",
    tag = "sessions",
    responses(
        (status = 200, description = "The session is valid", body = CurrentSessionResponse),
        Errors<(Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/sessions/current")]
pub async fn current(checked: CheckedSession) -> HttpResponse {
    HttpResponse::Ok().json(CurrentSessionResponse {
        session: checked.session.into(),
        account: checked.account.into(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page (opaque; only cursors this server handed out work).
    #[param(pattern = r"^[A-Za-z0-9_-]{1,256}$")]
    pub cursor: Option<String>,
}

/// List the account's active sessions, newest first.
#[utoipa::path(
    operation_id = "listSessions",
    tag = "sessions",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of active sessions", body = SessionPage),
        Errors<(BadRequest, Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = []), ("api_key" = [])),
)]
#[get("/v1/me/sessions")]
pub async fn list(
    state: web::Data<AppState>,
    reader: Reader,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let account_id = reader.require(Scope::SessionsRead)?.clone();
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let own_session = reader.session_id;
    let page = state
        .run(ClientInfo::default(), move |cx| {
            sessions::list(cx, &account_id, own_session.as_ref(), &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SessionPage::from(page)))
}

#[derive(Serialize, ToSchema)]
pub struct RevokedSessions {
    /// How many sessions were ended.
    #[schema(example = 2)]
    pub revoked: usize,
}

/// Sign out everywhere else: end every session except the current one.
#[utoipa::path(
    operation_id = "revokeOtherSessions",
    tag = "sessions",
    responses(
        (status = 200, description = "Other sessions ended", body = RevokedSessions),
        Errors<(Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/me/sessions")]
pub async fn revoke_others(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
) -> Result<HttpResponse, ApiError> {
    let revoked = state
        .run(client, move |cx| sessions::sign_out_others(cx, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(RevokedSessions { revoked }))
}

/// Sign out one session of the account (the current one included).
#[utoipa::path(
    operation_id = "revokeSession",
    tag = "sessions",
    params(("id" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 204, description = "Session ended"),
        Errors<(BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[delete("/v1/me/sessions/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let session_id = SessionId::from(id.into_inner());
    state
        .run(client, move |cx| {
            sessions::sign_out(cx, &caller, &session_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
