use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::JsonOrForm;
use super::error::ApiError;
use super::extract::IntegratorCredential;
use super::views::introspection::Introspection;
use crate::openapi::responses::*;
use crate::service::introspection;
use crate::service::{ClientInfo, Secret};
use crate::state::AppState;

/// An RFC 7662 introspection request. Other parameters OAuth clients send are ignored.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"token": "tss_…"}))]
pub struct IntrospectionRequest {
    /// A session token (`tss_…`) or an API key (`tsk_…`).
    #[schema(value_type = String)]
    pub token: Secret,
    /// Ignored: the token's prefix says what it is.
    #[allow(dead_code)]
    pub token_type_hint: Option<String>,
}

/// Introspect a token (RFC 7662): is this session token or API key live, and whose is it?
/// Anything unknown, expired, revoked or of a frozen account is `{"active": false}`. For
/// integrators' back-ends, with an introspection key (`tessera admin
/// create-introspection-key`) or an operator key; the body is JSON or a form.
#[utoipa::path(
    operation_id = "introspectToken",
    tag = "introspection",
    request_body(content(
        (IntrospectionRequest = "application/json"),
        (IntrospectionRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "What the token is, or `{\"active\": false}`", body = Introspection),
        Errors<(JsonBody, Unauthenticated, Unavailable)>,
    ),
    security(("introspection_key" = []), ("operator_key" = [])),
)]
#[post("/v1/introspect")]
pub async fn introspect(
    state: web::Data<AppState>,
    IntegratorCredential(credential): IntegratorCredential,
    JsonOrForm(body): JsonOrForm<IntrospectionRequest>,
) -> Result<HttpResponse, ApiError> {
    // The caller is the integrator's back-end, not the token's holder: no client to record.
    let answer = state
        .run(ClientInfo::default(), move |cx| {
            introspection::introspect(cx, &credential, &body.token)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Introspection::from(answer)))
}
