//! Request bodies and parameters, and the problem+json answers for those that cannot be read:
//! actix's own extractors would answer in plain text.

use actix_web::dev::{JsonBody, Payload, UrlEncoded};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
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
            serde_json::from_value(value)
                .map(Body)
                .map_err(|e| data_error(e.to_string()))
        })
    }
}

fn data_error(message: String) -> ApiError {
    let code = if message.starts_with("unknown field") {
        ErrorCode::UnknownField
    } else if message.starts_with("missing field") {
        ErrorCode::MissingField
    } else {
        ErrorCode::InvalidBody
    };
    ApiError::request(code, message)
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
        JsonPayloadError::Deserialize(e) if e.is_data() => data_error(e.to_string()),
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
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::request(
            ErrorCode::InvalidPathParameter,
            format!("A path parameter is invalid: {err}"),
        )
        .into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::request(
            ErrorCode::InvalidQueryParameter,
            format!("A query parameter is invalid: {err}"),
        )
        .into()
    })
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
                UrlencodedError::Parse(e) => data_error(e.to_string()),
                other => ApiError::request(
                    ErrorCode::UnreadableBody,
                    format!("The request body could not be read: {other}"),
                ),
            })
        })
    }
}
