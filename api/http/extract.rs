//! Request extractors: the signed-in session, the client's address and agent, and the
//! problem+json error handlers for actix's own body, path and query extractors.

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::{JsonBody, Payload};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use crate::db::models::{AccountRow, SessionRow};
use crate::error::ApiError;
use crate::openapi::COOKIE_NAME;
use crate::service::{ClientContext, sessions};
use crate::state::AppState;

pub const JSON_LIMIT_BYTES: usize = 64 * 1024;
/// Bodies that carry passwords may be larger, so that an overlong password gets a 422 that
/// names the field (passwords are refused past 1,024 bytes) rather than a bare 413.
pub const PASSWORD_JSON_LIMIT_BYTES: usize = 1024 * 1024 + 4096;

pub fn state(req: &HttpRequest) -> Result<AppState, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|data| data.get_ref().clone())
        .ok_or_else(|| ApiError::internal("application state is not registered"))
}

/// The signed-in account and the session it used.
pub struct CurrentSession {
    pub session: SessionRow,
    pub account: AccountRow,
}

enum TokenSource {
    Bearer(String),
    Cookie(String),
}

fn session_token(req: &HttpRequest) -> Result<TokenSource, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let (scheme, token) = value.split_once(' ').ok_or(ApiError::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::Unauthenticated);
        }
        return Ok(TokenSource::Bearer(token.trim().to_string()));
    }
    req.cookie(COOKIE_NAME)
        .map(|c| TokenSource::Cookie(c.value().to_string()))
        .ok_or(ApiError::Unauthenticated)
}

/// A cookie rides along with any request the browser makes, so a cookie-authenticated
/// write must prove it comes from one of our front-ends (CSRF).
fn check_origin(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(());
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
            let url = url_origin(referer)?;
            Some(url)
        });
    if origin.is_some_and(|origin| is_allowed_origin(state, &origin)) {
        Ok(())
    } else {
        Err(origin_not_allowed(
            "Cookie-authenticated writes must come from an allowed Origin.",
        ))
    }
}

fn is_allowed_origin(state: &AppState, origin: &str) -> bool {
    let origin = origin.trim_end_matches('/');
    state.allowed_origins.iter().any(|o| o == origin)
        || url_origin(&state.settings.public_url).as_deref() == Some(origin)
}

/// How a newly issued session reaches the caller. A browser (its requests carry `Origin`)
/// gets it only as the HttpOnly cookie, out of reach of scripts, unless the deployment opted
/// into bearer tokens for browsers; other callers (apps, back-ends) also get it in the body.
/// A browser whose origin is not an allowed one is refused: it could only be another site
/// signing the user in behind their back.
pub struct SessionDelivery {
    pub token_in_body: bool,
}

impl FromRequest for SessionDelivery {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(state(req).and_then(|state| {
            let Some(origin) = req.headers().get(header::ORIGIN) else {
                return Ok(SessionDelivery {
                    token_in_body: true,
                });
            };
            let allowed = origin
                .to_str()
                .is_ok_and(|origin| is_allowed_origin(&state, origin));
            if !allowed {
                return Err(origin_not_allowed(
                    "Sign-in from a browser must come from an allowed Origin.",
                ));
            }
            Ok(SessionDelivery {
                token_in_body: state.settings.browser_bearer,
            })
        }))
    }
}

fn origin_not_allowed(detail: &str) -> ApiError {
    ApiError::Forbidden {
        code: "origin_not_allowed",
        detail: detail.into(),
    }
}

/// `scheme://host[:port]` of a URL.
fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// The caller's token, with the CSRF check for cookies done.
fn caller_token(req: &HttpRequest) -> Result<(AppState, String), ApiError> {
    let state = state(req)?;
    let token = match session_token(req)? {
        TokenSource::Bearer(token) => token,
        TokenSource::Cookie(token) => {
            check_origin(req, &state)?;
            token
        }
    };
    Ok((state, token))
}

impl FromRequest for CurrentSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = caller_token(req);
        Box::pin(async move {
            let (state, token) = prepared?;
            let now = state.now();
            let policy = state.sessions;
            let (session, account) = state
                .db(move |conn| sessions::authenticate(conn, &policy, &token, now))
                .await?;
            Ok(CurrentSession { session, account })
        })
    }
}

/// The session check's answer: the signed-in session and account as the owner sees them,
/// shaped on the blocking pool (the User-Agent parsing is CPU work for no async worker).
pub struct CheckedSession(pub sessions::CheckedSession);

impl FromRequest for CheckedSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = caller_token(req);
        Box::pin(async move {
            let (state, token) = prepared?;
            let now = state.now();
            let policy = state.sessions;
            let checked = state
                .db(move |conn| sessions::check(conn, &policy, &token, now))
                .await?;
            Ok(CheckedSession(checked))
        })
    }
}

/// The client's IP (honouring `X-Forwarded-For` only from trusted proxies), User-Agent and
/// coarse location.
pub struct Client(pub ClientContext);

impl FromRequest for Client {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(state(req).map(|state| {
            let ip = client_ip(req, &state).map(|ip| ip.to_string());
            let location = ip.as_deref().and_then(|ip| state.geo.locate(ip));
            let user_agent = req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(512).collect());
            Client(ClientContext {
                ip,
                user_agent,
                location,
            })
        }))
    }
}

fn client_ip(req: &HttpRequest, state: &AppState) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = |ip: &IpAddr| state.trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    // Walk the chain from the nearest hop back; the first address we do not trust is the client.
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !trusted(ip))
            .copied()
            .or_else(|| forwarded.first().copied())
            .unwrap_or(peer),
    )
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|err, _req| json_error(err).into())
}

/// A JSON request body that must be an object, of at most `LIMIT` bytes. (Serde would also
/// fill a struct from a JSON array, field by field, which no client means.) Errors are the
/// problem+json ones of [`json_config`].
pub struct Body<T, const LIMIT: usize = JSON_LIMIT_BYTES>(pub T);

/// A body with passwords in it: see [`PASSWORD_JSON_LIMIT_BYTES`].
pub type PasswordBody<T> = Body<T, PASSWORD_JSON_LIMIT_BYTES>;

impl<T: serde::de::DeserializeOwned + 'static, const LIMIT: usize> FromRequest for Body<T, LIMIT> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = JsonBody::<serde_json::Value>::new(req, payload, None, true).limit(LIMIT);
        Box::pin(async move {
            let value = value.await.map_err(json_error)?;
            if !value.is_object() {
                return Err(ApiError::InvalidBody {
                    code: "invalid_body",
                    detail: "The body must be a JSON object.".into(),
                });
            }
            serde_json::from_value(value)
                .map(Body)
                .map_err(|e| data_error(e.to_string()))
        })
    }
}

fn data_error(message: String) -> ApiError {
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "missing_field"
    } else {
        "invalid_body"
    };
    ApiError::InvalidBody {
        code,
        detail: message,
    }
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge { limit }
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => data_error(e.to_string()),
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest {
            code: "malformed_json",
            detail: format!("The body is not valid JSON: {e}"),
        },
        other => ApiError::BadRequest {
            code: "unreadable_body",
            detail: format!("The request body could not be read: {other}"),
        },
    }
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::BadRequest {
            code: "invalid_path_parameter",
            detail: format!("A path parameter is invalid: {err}"),
        }
        .into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::BadRequest {
            code: "invalid_query_parameter",
            detail: format!("A query parameter is invalid: {err}"),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::url_origin;

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            url_origin("https://app.example.com/login?x=1").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(
            url_origin("http://localhost:3000").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(url_origin("nonsense"), None);
    }
}
