//! Support's calls, authorised by an operator key (`tessera admin create-operator-key`).

use super::body::Query;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use super::page_types::OutboxPage;
use super::views::admin::AccountRecord;
use crate::openapi::responses::*;
use crate::service::operators::{self, Operator};
use crate::service::outbox::{self, Status};
use crate::service::pagination::PageRequest;
use crate::service::{AccountId, ClientInfo};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// The account's email (matched as sign-up stores it: trimmed, lower-cased).
    #[param(max_length = 254)]
    pub email: String,
}

/// Find an account by email: a list of at most one.
#[utoipa::path(
    operation_id = "adminFindAccounts",
    tag = "admin",
    params(AccountQuery),
    responses(
        (status = 200, description = "The matching accounts", body = Vec<AccountRecord>),
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
    ),
    security(("operator_key" = [])),
)]
#[get("/v1/admin/accounts")]
pub async fn find_accounts(
    state: web::Data<AppState>,
    _operator: Operator,
    query: Query<AccountQuery>,
) -> Result<HttpResponse, ApiError> {
    let email = query.into_inner().email;
    let found = state
        .run(ClientInfo::default(), move |cx| operators::find(cx, &email))
        .await?;
    let found: Vec<AccountRecord> = found.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(found))
}

/// Freeze an account: every session of it ends, and signing in answers 423 `account_frozen`
/// (only after a right password, so it tells nothing to someone guessing).
#[utoipa::path(
    operation_id = "adminFreezeAccount",
    tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account, frozen", body = AccountRecord),
        Errors<(BadRequest, Unauthenticated, NotFound, Unavailable)>,
    ),
    security(("operator_key" = [])),
)]
#[post("/v1/admin/accounts/{id}/freeze")]
pub async fn freeze(
    state: web::Data<AppState>,
    operator: Operator,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let account_id = AccountId::from(id.into_inner());
    let record = state
        .run(client, move |cx| {
            operators::freeze(cx, &operator, &account_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AccountRecord::from(record)))
}

/// Unfreeze an account: it may sign in again.
#[utoipa::path(
    operation_id = "adminUnfreezeAccount",
    tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account, unfrozen", body = AccountRecord),
        Errors<(BadRequest, Unauthenticated, NotFound, Unavailable)>,
    ),
    security(("operator_key" = [])),
)]
#[post("/v1/admin/accounts/{id}/unfreeze")]
pub async fn unfreeze(
    state: web::Data<AppState>,
    operator: Operator,
    client: ClientInfo,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let account_id = AccountId::from(id.into_inner());
    let record = state
        .run(client, move |cx| {
            operators::unfreeze(cx, &operator, &account_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AccountRecord::from(record)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Which messages (default `failed`).
    #[param(inline)]
    pub status: Option<OutboxStatusFilter>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,256}$")]
    pub cursor: Option<String>,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatusFilter {
    Pending,
    Delivered,
    Failed,
}

/// Outgoing messages (emails, SMS, WhatsApp, webhooks) by status, newest first: those that
/// failed after their last attempt, those still being retried (with the last error and the
/// next attempt), or those delivered (kept a week). Never their content.
#[utoipa::path(
    operation_id = "adminListOutbox",
    tag = "admin",
    params(OutboxQuery),
    responses(
        (status = 200, description = "A page of messages", body = OutboxPage),
        Errors<(BadRequest, Unauthenticated, Unavailable)>,
    ),
    security(("operator_key" = [])),
)]
#[get("/v1/admin/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    _operator: Operator,
    query: Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let status = match query.status.unwrap_or(OutboxStatusFilter::Failed) {
        OutboxStatusFilter::Pending => Status::Pending,
        OutboxStatusFilter::Delivered => Status::Delivered,
        OutboxStatusFilter::Failed => Status::Failed,
    };
    let page = state
        .run(ClientInfo::default(), move |cx| {
            outbox::list(cx, status, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OutboxPage::from(page)))
}
