use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};

use super::error::ApiError;
use super::extract::SessionToken;
use super::views::tokens::{AccessToken, Jwks};
use crate::openapi::responses::*;
use crate::service::ClientInfo;
use crate::service::access_tokens;
use crate::state::AppState;

/// Mint a JWT access token for the session: EdDSA-signed, with `kid`, `iss`, `sub` (the
/// account), `aud`, `sid`, `aal`, `amr` (RFC 8176), `iat`, `exp` and `jti`. It lives a few
/// minutes (never past the session's end) and cannot be revoked: back-ends verify it offline
/// against `/.well-known/jwks.json`, and mint a new one when it expires.
#[utoipa::path(
    operation_id = "createAccessToken",
    tag = "sessions",
    responses(
        (status = 200, description = "A fresh access token", body = AccessToken),
        Errors<(Unauthenticated, Forbidden, Unavailable)>,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
#[post("/v1/sessions/current/token")]
pub async fn mint(
    state: web::Data<AppState>,
    SessionToken(token): SessionToken,
    client: ClientInfo,
) -> Result<HttpResponse, ApiError> {
    let token = state
        .run(client, move |cx| access_tokens::mint(cx, &token))
        .await?;
    Ok(HttpResponse::Ok().json(AccessToken::from(token)))
}

/// The public keys that verify access tokens (RFC 7517): the signing key, and any retired
/// key until the tokens it signed have expired. Pick the key by the token's `kid`; fetch the
/// set again when a token names a key it does not hold.
#[utoipa::path(
    operation_id = "getJwks",
    tag = "sessions",
    responses(
        (status = 200, description = "The key set", body = Jwks),
        Errors<(Unavailable,)>,
    ),
    security(()),
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let keys = state
        .run(ClientInfo::default(), |cx| {
            cx.env
                .signing_keys
                .current(cx.conn, &cx.env.sealer, cx.now)
                .map(|keys| keys.jwks().clone())
        })
        .await?;
    Ok(HttpResponse::Ok()
        // Short, so that a rotation's new key is seen soon by verifiers that do not refetch
        // on an unknown `kid`.
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(Jwks::from(keys)))
}
