//! Request bodies and parameters, and the problem+json answers for those that cannot be read:
//! actix's own extractors would answer in plain text.

use actix_web::dev::{JsonBody, Payload, UrlEncoded};
use actix_web::error::{JsonPayloadError, PathError, UrlencodedError};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::error::ApiError;
use crate::error_code::ErrorCode;

pub const JSON_LIMIT_BYTES: usize = 64 * 1024;
/// Bodies that carry passwords may be larger, so that an overlong password gets a 422 that
/// names the field (passwords are refused past 1,024 bytes) rather than a bare 413.
pub const PASSWORD_JSON_LIMIT_BYTES: usize = 1024 * 1024 + 4096;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|err, _req| json_error(err).into())
}

/// A JSON request body that must be an object, of at most `LIMIT` bytes. (Serde would also
/// fill a struct from a JSON array, field by field, which no client means.)
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
                return Err(ApiError::request(
                    ErrorCode::InvalidBody,
                    "The body must be a JSON object.",
                ));
            }
            from_object(value).map(Body)
        })
    }
}

/// Reads a body's object into `T`, naming the field that does not fit.
fn from_object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        field_error(&path, &e.inner().to_string())
    })
}

/// A field that does not fit, said in this server's words and named in `errors` (serde's own
/// text names Rust types and may quote the value sent, a password say).
fn field_error(path: &str, message: &str) -> ApiError {
    misfit(Place::Body, path, message)
}

/// Where a misfit was found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Body,
    Query,
}

fn misfit(place: Place, path: &str, message: &str) -> ApiError {
    let within = |name: &str| match path {
        "" | "." => name.to_string(),
        _ => format!("{path}.{name}"),
    };
    let quoted = message.split('`').nth(1).unwrap_or_default();
    let (code, field, reason, text) = if message.starts_with("unknown field") {
        (
            ErrorCode::UnknownField,
            // The path already ends at the unknown field.
            match path {
                "" | "." => quoted.to_string(),
                _ => path.to_string(),
            },
            "unknown",
            "is not a field of this request".to_string(),
        )
    } else if message.starts_with("missing field") {
        (
            ErrorCode::MissingField,
            within(quoted),
            "missing",
            "is required".to_string(),
        )
    } else {
        let text = match message.split_once(", expected ") {
            Some((_, expected)) => format!("must be {}", plain_type(expected)),
            // Text parsed as a number or a boolean (query parameters, forms).
            None if message.contains("digit")
                || message.contains("integer")
                || message.contains("number too") =>
            {
                "must be a whole number".to_string()
            }
            None if message.contains("`true` or `false`") => "must be true or false".to_string(),
            // A message of this server's own (a custom deserializer).
            None => message.to_string(),
        };
        (ErrorCode::InvalidBody, path.to_string(), "invalid", text)
    };
    let (code, detail) = match (place, code) {
        (Place::Query, _) => (
            ErrorCode::InvalidQueryParameter,
            "A query parameter is unknown, missing or invalid; see `errors`.",
        ),
        (Place::Body, ErrorCode::UnknownField) => (
            code,
            "The body has a field this request does not take; see `errors`.",
        ),
        (Place::Body, ErrorCode::MissingField) => {
            (code, "The body lacks a required field; see `errors`.")
        }
        (Place::Body, _) => (
            code,
            "A field of the body has the wrong type or value; see `errors`.",
        ),
    };
    ApiError::from(
        crate::service::Error::denied_because(code, detail)
            .with(|d| d.errors = vec![crate::service::FieldError::new(&field, reason, text)]),
    )
}

/// What serde expected, as an API user would say it.
fn plain_type(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" => {
            "a whole number".to_string()
        }
        "f32" | "f64" => "a number".to_string(),
        "a sequence" => "a list".to_string(),
        "a map" => "an object".to_string(),
        other if other.starts_with("struct ") => "an object".to_string(),
        other => other.to_string(),
    }
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::request(
            ErrorCode::UnsupportedMediaType,
            "Send the body as `application/json`.",
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::request(
            ErrorCode::PayloadTooLarge,
            format!("The request body exceeds {limit} bytes."),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => field_error("", &e.to_string()),
        JsonPayloadError::Deserialize(e) => ApiError::request(
            ErrorCode::MalformedJson,
            format!("The body is not valid JSON: {e}"),
        ),
        other => ApiError::request(
            ErrorCode::UnreadableBody,
            format!("The request body could not be read: {other}"),
        ),
    }
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_: PathError, req| path_misfit(req).into())
}

/// The path parameter that does not fit, named in `errors`. Path parameters are ids (UUIDs)
/// or free text (a domain, a challenge id), and only an id can fail to be read: the one that
/// failed is the first that is not a UUID.
fn path_misfit(req: &HttpRequest) -> ApiError {
    let field = req
        .match_info()
        .iter()
        .find(|(_, value)| uuid::Uuid::parse_str(value).is_err())
        .map_or("path", |(name, _)| name);
    ApiError::from(
        crate::service::Error::denied_because(
            ErrorCode::InvalidPathParameter,
            format!("The path parameter `{field}` is not an id; see `errors`."),
        )
        .with(|d| {
            d.errors = vec![crate::service::FieldError::new(
                field,
                "invalid",
                "must be a UUID",
            )]
        }),
    )
}

/// Query parameters, read as `web::Query` reads them but naming the parameter that does not
/// fit (in `errors`, as for bodies).
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        let read = serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs));
        std::future::ready(read.map(Query).map_err(|e| {
            let path = e.path().to_string();
            misfit(Place::Query, &path, &e.inner().to_string())
        }))
    }
}

/// The most a CSV upload may carry.
pub const CSV_LIMIT_BYTES: usize = 1024 * 1024;

/// A `text/csv` request body, read whole (at most [`CSV_LIMIT_BYTES`]).
pub struct CsvBody(pub web::Bytes);

impl FromRequest for CsvBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        use futures_util::StreamExt;
        let is_csv = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/csv"));
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_csv {
                return Err(ApiError::request(
                    ErrorCode::UnsupportedMediaType,
                    "Send the tokens as `text/csv`.",
                ));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::request(
                        ErrorCode::UnreadableBody,
                        format!("The request body could not be read: {e}"),
                    )
                })?;
                if body.len() + chunk.len() > CSV_LIMIT_BYTES {
                    return Err(ApiError::request(
                        ErrorCode::PayloadTooLarge,
                        format!("The request body exceeds {CSV_LIMIT_BYTES} bytes."),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(CsvBody(body.freeze()))
        })
    }
}

/// A body sent as a JSON object or as `application/x-www-form-urlencoded` (as OAuth clients
/// send RFC 7662 introspection requests), of at most [`JSON_LIMIT_BYTES`].
pub struct JsonOrForm<T>(pub T);

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for JsonOrForm<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| {
                essence
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            let json = Body::<T>::from_request(req, payload);
            return Box::pin(async move { json.await.map(|Body(value)| JsonOrForm(value)) });
        }
        let form = UrlEncoded::<T>::new(req, payload).limit(JSON_LIMIT_BYTES);
        Box::pin(async move {
            form.await.map(JsonOrForm).map_err(|e| match e {
                UrlencodedError::Overflow { limit, .. } => ApiError::request(
                    ErrorCode::PayloadTooLarge,
                    format!("The request body exceeds {limit} bytes."),
                ),
                UrlencodedError::Parse(e) => field_error("", &e.to_string()),
                other => ApiError::request(
                    ErrorCode::UnreadableBody,
                    format!("The request body could not be read: {other}"),
                ),
            })
        })
    }
}
