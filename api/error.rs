//! The one error type of the API and its RFC 9457 `application/problem+json` shape.
//!
//! Service functions return [`ApiError`]; they never build HTTP responses. A 5xx body carries
//! no internal text: the cause is logged with the request id instead.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being served; set by the request-id middleware.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// A validation message about one field of the request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the request body (`email`, `password`…).
    #[schema(example = "password")]
    pub field: String,
    /// Stable machine code of the failure.
    #[schema(example = "too_short")]
    pub code: String,
    /// Human-readable explanation.
    #[schema(example = "must be at least 8 characters")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("request body failed validation")]
    Validation { errors: Vec<FieldError> },
    #[error("{detail}")]
    InvalidBody { code: &'static str, detail: String },
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid code")]
    InvalidCode { attempts_remaining: Option<i32> },
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    Gone { code: &'static str, detail: String },
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    /// A password or code given to confirm a change on a valid session was wrong: 403, not
    /// 401, because front-ends take 401 as "signed out".
    #[error("re-authentication failed")]
    ReauthenticationFailed {
        errors: Vec<FieldError>,
        attempts_remaining: Option<i32>,
    },
    /// A wrong code on a valid session (factor activation): 403, for the same reason.
    #[error("code rejected")]
    CodeRejected { attempts_remaining: Option<i32> },
    #[error("overloaded")]
    Overloaded,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// An RFC 9457 problem document, as every error of the API is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the problem type.
    #[schema(example = "urn:tessera:problem:invalid_credentials")]
    #[serde(rename = "type")]
    pub problem_type: String,
    #[schema(example = "Invalid credentials")]
    pub title: String,
    #[schema(example = 401)]
    pub status: u16,
    #[schema(example = "The email or password is wrong.")]
    pub detail: String,
    /// Stable machine-readable code; branch on this, not on `title` or `detail`.
    #[schema(example = "invalid_credentials")]
    pub code: String,
    /// Id of the request, also in the `x-request-id` header and in the server log.
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field validation messages (422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// Seconds until the action may be tried again (429).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
    /// Wrong answers still allowed before the challenge dies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_remaining: Option<i32>,
}

impl ApiError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::InvalidBody { code, .. }
            | ApiError::Forbidden { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Gone { code, .. } => code,
            ApiError::Validation { .. } => "validation_failed",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::InvalidCode { .. } => "invalid_code",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::ReauthenticationFailed { .. } => "reauthentication_failed",
            ApiError::CodeRejected { .. } => "invalid_code",
            ApiError::Overloaded => "overloaded",
            ApiError::Unavailable(_) => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn title_and_detail(&self) -> (&'static str, String) {
        match self {
            ApiError::BadRequest { detail, .. } => ("Bad request", detail.clone()),
            ApiError::Validation { .. } => (
                "Validation failed",
                "One or more fields are invalid; see `errors`.".into(),
            ),
            ApiError::InvalidBody { detail, .. } => ("Invalid request body", detail.clone()),
            ApiError::Unauthenticated => (
                "Authentication required",
                "A valid session token is required (cookie or bearer).".into(),
            ),
            ApiError::InvalidCredentials => (
                "Invalid credentials",
                "The email or password is wrong.".into(),
            ),
            ApiError::InvalidCode { .. } => (
                "Invalid code",
                "The code is wrong, expired or already used.".into(),
            ),
            ApiError::Forbidden { detail, .. } => ("Forbidden", detail.clone()),
            ApiError::NotFound => ("Not found", "No such resource.".into()),
            ApiError::MethodNotAllowed { allow } => (
                "Method not allowed",
                format!("This resource allows: {allow}."),
            ),
            ApiError::Conflict { detail, .. } => ("Conflict", detail.clone()),
            ApiError::Gone { detail, .. } => ("Gone", detail.clone()),
            ApiError::PayloadTooLarge { limit } => (
                "Payload too large",
                format!("The request body exceeds {limit} bytes."),
            ),
            ApiError::UnsupportedMediaType => (
                "Unsupported media type",
                "Send the body as `application/json`.".into(),
            ),
            ApiError::TooManyAttempts { .. } => (
                "Too many attempts",
                "Too many failed attempts; try again later.".into(),
            ),
            ApiError::RateLimited { .. } => (
                "Rate limited",
                "Too many requests of this kind from your network; try again later.".into(),
            ),
            ApiError::ReauthenticationFailed { .. } => (
                "Re-authentication failed",
                "The password or code given to confirm this change is wrong; see `errors`. \
                 The session is still valid."
                    .into(),
            ),
            ApiError::CodeRejected { .. } => (
                "Invalid code",
                "The code is wrong, expired or already used.".into(),
            ),
            ApiError::Overloaded => (
                "Overloaded",
                "The server is busy checking passwords; try again in a second.".into(),
            ),
            ApiError::Unavailable(_) => (
                "Service unavailable",
                "The service cannot reach its database; try again shortly.".into(),
            ),
            ApiError::Internal(_) => (
                "Internal server error",
                "Something went wrong on our side; quote the request id when reporting it.".into(),
            ),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (title, detail) = self.title_and_detail();
        Problem {
            problem_type: format!("urn:tessera:problem:{}", self.code()),
            title: title.to_string(),
            status: self.status_code().as_u16(),
            detail,
            code: self.code().to_string(),
            request_id: current_request_id(),
            errors: match self {
                ApiError::Validation { errors }
                | ApiError::ReauthenticationFailed { errors, .. } => Some(errors.clone()),
                _ => None,
            },
            retry_after: self.retry_after_secs(),
            attempts_remaining: match self {
                ApiError::InvalidCode { attempts_remaining }
                | ApiError::CodeRejected { attempts_remaining }
                | ApiError::ReauthenticationFailed {
                    attempts_remaining, ..
                } => *attempts_remaining,
                _ => None,
            },
        }
    }
}

impl ApiError {
    /// Seconds a client should wait before trying again, sent as `Retry-After` too.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            ApiError::TooManyAttempts { retry_after_secs }
            | ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            ApiError::Overloaded | ApiError::Unavailable(_) => Some(1),
            _ => None,
        }
    }

    pub fn reauthentication_failed(field: &str) -> Self {
        let message = match field {
            "code" => "is wrong, expired or already used",
            _ => "is wrong",
        };
        ApiError::ReauthenticationFailed {
            errors: vec![FieldError::new(field, "invalid", message)],
            attempts_remaining: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation { .. } | ApiError::InvalidBody { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::InvalidCode { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. }
            | ApiError::ReauthenticationFailed { .. }
            | ApiError::CodeRejected { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyAttempts { .. } | ApiError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Unavailable(_) | ApiError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Unavailable(cause) => tracing::error!(cause = %cause, "database unavailable"),
            ApiError::Internal(cause) => tracing::error!(cause = %cause, "internal error"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(seconds) = self.retry_after_secs() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        match self {
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            ApiError::Unauthenticated => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                ApiError::Unavailable(info.message().to_string())
            }
            // Contention, not a fault: SQLite's busy timeout ran out, or PostgreSQL gave up a
            // transaction for another. The client may simply try again.
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                ApiError::Unavailable(info.message().to_string())
            }
            Error::DatabaseError(_, info) if is_contention(info.message()) => {
                ApiError::Unavailable(info.message().to_string())
            }
            other => ApiError::Internal(format!("database: {other}")),
        }
    }
}

fn is_contention(message: &str) -> bool {
    [
        "database is locked",
        "database is busy",
        "database table is locked",
        "deadlock detected",
    ]
    .iter()
    .any(|m| message.contains(m))
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    struct Info(&'static str);

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    #[test]
    fn contention_is_a_503_to_retry_and_other_database_errors_stay_internal() {
        for (kind, message) in [
            (DatabaseErrorKind::Unknown, "database is locked"),
            (DatabaseErrorKind::Unknown, "database is busy"),
            (
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
            (DatabaseErrorKind::Unknown, "deadlock detected"),
        ] {
            let error = ApiError::from(Error::DatabaseError(kind, Box::new(Info(message))));
            assert_eq!(
                error.status_code(),
                StatusCode::SERVICE_UNAVAILABLE,
                "{message}"
            );
            assert_eq!(error.retry_after_secs(), Some(1));
            let response = error.error_response();
            assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        }
        let other = ApiError::from(Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(Info("no such column: x")),
        ));
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!other.to_problem().detail.contains("no such column"));
    }
}
