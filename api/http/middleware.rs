//! Request id and access log: every log line of a request carries its id, and so does
//! every error body and the `x-request-id` response header.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

use super::error::REQUEST_ID;

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = uuid::Uuid::now_v7().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %loggable_path(&req),
    );
    let started = Instant::now();
    let result = REQUEST_ID
        .scope(id.clone(), next.call(req).instrument(span.clone()))
        .await;
    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, micros, "request finished");
        } else {
            tracing::info!(status, micros, "request finished");
        }
    });
    Ok(response)
}

/// The path as it may be logged: the route pattern (`/v1/auth/challenges/{id}/verify`), so no
/// challenge id or other secret in a path reaches the logs. A path that matches no route is
/// logged with every segment that looks like a token (`ts?_…`) or is long redacted.
fn loggable_path(req: &ServiceRequest) -> String {
    if let Some(pattern) = req.match_pattern() {
        return pattern;
    }
    req.path()
        .split('/')
        .map(|segment| {
            let token_like = segment.len() > 3
                && segment.starts_with("ts")
                && segment.as_bytes().get(3) == Some(&b'_');
            if token_like || segment.len() > 40 {
                "[redacted]"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Headers every response carries: no MIME sniffing, no referrer leaking a URL; API answers
/// are never cached (they carry tokens, codes and personal data); the docs page may run only
/// its own scripts.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let section = match req.path() {
        p if p == "/v1" || p.starts_with("/v1/") => Section::Api,
        p if p == "/docs" || p.starts_with("/docs/") => Section::Docs,
        _ => Section::Other,
    };
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    match section {
        Section::Api => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Section::Docs => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOCS_CSP),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        Section::Other => {}
    }
    Ok(response)
}

enum Section {
    Api,
    Docs,
    Other,
}

/// Swagger UI loads its own scripts and styles from `/docs/` and fetches the spec from this
/// server; it sets inline styles (hence `'unsafe-inline'` for styles only) and data: images.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// HEAD is GET without the body (RFC 9110 §9.3.2); load balancers and uptime monitors probe
/// with it. The request is routed as the GET it stands for; actix's HTTP codec already
/// decided from the request line to send the response head only.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::loggable_path;

    #[test]
    fn unmatched_paths_are_logged_without_tokens() {
        let req = TestRequest::with_uri(
            "/v1/auth/challenges/tsc_8Zq0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/verifyy",
        )
        .to_srv_request();
        assert_eq!(
            loggable_path(&req),
            "/v1/auth/challenges/[redacted]/verifyy"
        );
        let req = TestRequest::with_uri("/v1/me/sessions/abc").to_srv_request();
        assert_eq!(loggable_path(&req), "/v1/me/sessions/abc");
    }
}
