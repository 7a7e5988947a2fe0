use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use crate::openapi::responses::*;
use crate::service::{ClientInfo, maintenance};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up and serving.
#[utoipa::path(
    operation_id = "getLiveness",
    tag = "health",
    responses((status = 200, description = "Alive", body = Health)),
    security(()),
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(
    operation_id = "getReadiness",
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        Errors<(Unavailable,)>,
    ),
    security(()),
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .run(ClientInfo::default(), maintenance::database_answers)
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
    }))
}
