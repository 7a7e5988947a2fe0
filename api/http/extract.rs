//! Request extractors: the caller (by session), the client's address and agent, and how a
//! newly issued session is to be delivered.

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::error::ApiError;
use crate::error_code::ErrorCode;
use crate::openapi::{COOKIE_NAME, DEVICE_COOKIE};
use crate::service::accounts::Account;
use crate::service::api_keys::{self, Scope};
use crate::service::mfa::tickets::{self, Enroller};
use crate::service::operators::{self, Operator};
use crate::service::sessions::{self, Caller, CheckedSession};
use crate::service::{AccountId, ClientInfo, Secret, SessionId};
use crate::state::AppState;

pub fn state(req: &HttpRequest) -> Result<AppState, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|data| data.get_ref().clone())
        .ok_or_else(|| {
            ApiError::from(crate::service::Error::internal(
                "application state is not registered",
            ))
        })
}

fn unauthenticated() -> ApiError {
    ApiError::request(
        ErrorCode::Unauthenticated,
        "A valid session token is required (cookie or bearer).",
    )
}

enum TokenSource {
    Bearer(Secret),
    Cookie(Secret),
}

fn session_token(req: &HttpRequest) -> Result<TokenSource, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| unauthenticated())?;
        let (scheme, token) = value.split_once(' ').ok_or_else(unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(unauthenticated());
        }
        return Ok(TokenSource::Bearer(Secret::new(token.trim())));
    }
    req.cookie(COOKIE_NAME)
        .map(|c| TokenSource::Cookie(Secret::new(c.value())))
        .ok_or_else(unauthenticated)
}

fn origin_not_allowed(detail: &str) -> ApiError {
    ApiError::request(ErrorCode::OriginNotAllowed, detail)
}

fn is_allowed_origin(state: &AppState, origin: &str) -> bool {
    let origin = origin.trim_end_matches('/');
    state.allowed_origins.iter().any(|o| o == origin)
        || url_origin(&state.settings.public_url).as_deref() == Some(origin)
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
            url_origin(referer)
        });
    if origin.is_some_and(|origin| is_allowed_origin(state, &origin)) {
        Ok(())
    } else {
        Err(origin_not_allowed(
            "Cookie-authenticated writes must come from an allowed Origin.",
        ))
    }
}

/// `scheme://host[:port]` of a URL.
fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// The caller's token, with the CSRF check for cookies done.
fn caller_token(req: &HttpRequest) -> Result<(AppState, Secret), ApiError> {
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

/// The caller's session token, unchecked (the CSRF check for cookies done): for handlers whose
/// one service call checks the session itself.
pub struct SessionToken(pub Secret);

impl FromRequest for SessionToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_token(req).map(|(_, token)| SessionToken(token)))
    }
}

/// An integrator's credential (`Authorization: Bearer tso_…|tsi_…`), unchecked: the service
/// call that uses it checks it.
pub struct IntegratorCredential(pub Secret);

impl FromRequest for IntegratorCredential {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match session_token(req) {
            Ok(TokenSource::Bearer(token)) => Ok(IntegratorCredential(token)),
            _ => Err(ApiError::request(
                ErrorCode::Unauthenticated,
                "An integrator credential is required: `Authorization: Bearer` with an \
                 introspection key (tsi_…) or an operator key (tso_…).",
            )),
        })
    }
}

/// Who is calling, by a valid session (401 otherwise).
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = caller_token(req);
        Box::pin(async move {
            let (state, token) = prepared?;
            Ok(state
                .read(ClientInfo::default(), move |cx| {
                    sessions::authenticate(cx, &token)
                })
                .await?)
        })
    }
}

/// Who is enrolling a factor: a signed-in caller, or the bearer of an enrolment ticket (the
/// only calls a ticket opens).
impl FromRequest for Enroller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let ticket = match session_token(req) {
            Ok(TokenSource::Bearer(token)) if tickets::is_ticket(&token) => Some(token),
            _ => None,
        };
        let Some(ticket) = ticket else {
            let caller = Caller::from_request(req, payload);
            return Box::pin(async move { caller.await.map(Enroller::Session) });
        };
        let state = state(req);
        Box::pin(async move {
            Ok(state?
                .run(ClientInfo::default(), move |cx| tickets::redeem(cx, ticket))
                .await?)
        })
    }
}

/// A support operator, by an operator key as the bearer (cookies never carry one).
impl FromRequest for Operator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = state(req).and_then(|state| match session_token(req)? {
            TokenSource::Bearer(token) => Ok((state, token)),
            TokenSource::Cookie(_) => Err(unauthenticated()),
        });
        Box::pin(async move {
            let (state, token) = prepared?;
            Ok(state
                .run(ClientInfo::default(), move |cx| {
                    operators::authenticate(cx, &token)
                })
                .await?)
        })
    }
}

/// A caller of the read calls an API key may make: by session (everything allowed), or by
/// API key (what its scopes name).
pub struct Reader {
    pub account: Account,
    pub session_id: Option<SessionId>,
    scopes: Option<Vec<Scope>>,
}

impl Reader {
    /// Refuses a key without `scope` (403 `insufficient_scope`).
    pub fn require(&self, scope: Scope) -> Result<&AccountId, ApiError> {
        match &self.scopes {
            Some(scopes) if !scopes.contains(&scope) => Err(ApiError::request(
                ErrorCode::InsufficientScope,
                "This API key's scopes do not include this call.",
            )),
            _ => Ok(&self.account.id),
        }
    }
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let key = match session_token(req) {
            Ok(TokenSource::Bearer(token)) if api_keys::is_api_key(&token) => Some(token),
            _ => None,
        };
        let Some(key) = key else {
            let caller = Caller::from_request(req, payload);
            return Box::pin(async move {
                let caller = caller.await?;
                Ok(Reader {
                    account: caller.account,
                    session_id: Some(caller.session_id),
                    scopes: None,
                })
            });
        };
        let state = state(req);
        // Where the key is used from is recorded with it (and in the login history).
        let client = ClientInfo::from_request(req, payload);
        Box::pin(async move {
            let client = client.await?;
            let caller = state?
                .run(client, move |cx| api_keys::authenticate(cx, &key))
                .await?;
            Ok(Reader {
                account: caller.account,
                session_id: None,
                scopes: Some(caller.scopes),
            })
        })
    }
}

/// The session check's answer (on SQLite read on the async worker: see `AppState::read`; the
/// device description comes from a cache of parsed User-Agents).
impl FromRequest for CheckedSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = caller_token(req);
        Box::pin(async move {
            let (state, token) = prepared?;
            Ok(state
                .read(ClientInfo::default(), move |cx| sessions::check(cx, &token))
                .await?)
        })
    }
}

/// The client's IP (honouring `X-Forwarded-For` only from trusted proxies), User-Agent and
/// coarse location.
impl FromRequest for ClientInfo {
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
            let device = req
                .cookie(DEVICE_COOKIE)
                .map(|c| c.value().to_string())
                .filter(|v| !v.is_empty() && v.len() <= 128);
            ClientInfo {
                ip,
                user_agent,
                location,
                device,
            }
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
