use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Body, Client};
use super::session_cookie;
use crate::error::ApiError;
use crate::service::accounts::{self, Account, SignUp};
use crate::service::sessions::Session;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple", "display_name": "Ada"}))]
pub struct SignUpRequest {
    /// Email address; trimmed and lower-cased, unique.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 8 to 256 characters, not a common or easily guessed password (else 422).
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
    /// Shown name; no control characters. Surrounding spaces are trimmed; blank means none.
    #[schema(max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub display_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignUpResponse {
    pub account: Account,
    pub session: Session,
    /// The session token; also set as the `tessera_session` cookie. Shown only here.
    #[schema(example = "tss_3q2+7w…")]
    pub session_token: String,
}

/// Sign up: create an account and its first session.
#[utoipa::path(
    operation_id = "createAccount",
    tag = "accounts",
    request_body = SignUpRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = SignUpResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 503, response = crate::openapi::Unavailable),
    ),
    security(()),
)]
#[post("/v1/accounts")]
pub async fn sign_up(
    state: web::Data<AppState>,
    Client(client): Client,
    Body(body): Body<SignUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut input = SignUp {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
    };
    accounts::validate_sign_up(&mut input)?;
    let now = state.now();
    let st = state.clone();
    let (account, issued) = state
        .db_hashing(move |conn| {
            accounts::sign_up(conn, &st.hasher, &st.sessions, input, &client, now)
        })
        .await?;
    Ok(HttpResponse::Created()
        .cookie(session_cookie(&state, &issued.token))
        .json(SignUpResponse {
            account,
            session: issued.session,
            session_token: issued.token,
        }))
}
