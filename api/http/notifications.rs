use actix_web::{HttpResponse, get, put, web};

use super::body::Body;
use super::error::ApiError;
use super::views::notifications::NotificationPreferences;
use crate::openapi::responses::*;
use crate::service::ClientInfo;
use crate::service::alerts;
use crate::service::sessions::Caller;
use crate::state::AppState;

/// Which security alerts the account gets by email: a sign-in from a new device, failed
/// sign-in attempts (at most one alert per 15 minutes). Both are on unless turned off.
#[utoipa::path(
    operation_id = "getNotificationPreferences",
    tag = "me",
    responses(
        (status = 200, description = "The preferences", body = NotificationPreferences),
        Errors<(Unauthenticated, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[get("/v1/me/notifications")]
pub async fn get(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let preferences = state
        .run(ClientInfo::default(), move |cx| {
            alerts::preferences(cx.conn, caller.account_id())
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPreferences::from(preferences)))
}

/// Set which security alerts the account gets (both fields, as `GET` shows them).
#[utoipa::path(
    operation_id = "setNotificationPreferences",
    tag = "me",
    request_body = NotificationPreferences,
    responses(
        (status = 200, description = "The preferences now", body = NotificationPreferences),
        Errors<(JsonBody, Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[put("/v1/me/notifications")]
pub async fn set(
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientInfo,
    Body(wanted): Body<NotificationPreferences>,
) -> Result<HttpResponse, ApiError> {
    let preferences = state
        .run(client, move |cx| {
            alerts::set_preferences(cx, caller.account_id(), wanted.into())
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPreferences::from(preferences)))
}
