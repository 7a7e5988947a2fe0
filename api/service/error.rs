//! The domain's error: a refusal the client can act on (a [`Denial`] with its stable code),
//! or a failure of the server's own. Nothing here knows HTTP: `http::error` maps it to a
//! status and a problem document, in one place.

use crate::error_code::ErrorCode;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A validation message about one field of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the request body (`email`, `password`…).
    pub field: String,
    /// Stable machine code of the failure.
    pub code: String,
    /// Human-readable explanation.
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

/// A refusal: what the client asked for cannot be done, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub code: ErrorCode,
    /// Said to the client; a generic sentence for the code when absent.
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub retry_after_secs: Option<i64>,
    pub attempts_remaining: Option<i32>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused, for a reason the client can act on. A denial is an answer, not a fault.
    #[error("denied: {}", .0.code)]
    Denied(Box<Denial>),
    /// The database is unreachable or contended: the client may try again shortly.
    #[error("database unavailable")]
    Unavailable(#[source] BoxError),
    /// A fault of the server's. Logged with its cause; the client sees only that it happened.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn denied(code: ErrorCode) -> Self {
        Error::Denied(Box::new(Denial {
            code,
            detail: None,
            errors: Vec::new(),
            retry_after_secs: None,
            attempts_remaining: None,
        }))
    }

    /// A refusal with something specific to say.
    pub fn denied_because(code: ErrorCode, detail: impl Into<String>) -> Self {
        Error::denied(code).with(|d| d.detail = Some(detail.into()))
    }

    /// Fields that failed validation.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Error::denied(ErrorCode::ValidationFailed).with(|d| d.errors = errors)
    }

    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Error::Internal(cause.into())
    }

    /// Adds to a denial (no effect on other errors).
    pub fn with(mut self, add: impl FnOnce(&mut Denial)) -> Self {
        if let Error::Denied(denial) = &mut self {
            add(denial);
        }
        self
    }

    pub fn denial(&self) -> Option<&Denial> {
        match self {
            Error::Denied(denial) => Some(denial),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Denied(denial) => denial.code,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match e {
            Diesel::NotFound => Error::denied(ErrorCode::NotFound),
            // Contention, not a fault: SQLite's busy timeout ran out, or PostgreSQL gave up a
            // transaction for another. The client may simply try again.
            Diesel::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::SerializationFailure,
                _,
            ) => Error::Unavailable(e.into()),
            Diesel::DatabaseError(_, ref info) if is_contention(info.message()) => {
                Error::Unavailable(e.into())
            }
            other => Error::Internal(other.into()),
        }
    }
}

/// No pooled connection came in time: the database is busy or away.
impl From<r2d2::Error> for Error {
    fn from(e: r2d2::Error) -> Self {
        Error::Unavailable(e.into())
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

impl From<crate::crypto::CryptoError> for Error {
    fn from(e: crate::crypto::CryptoError) -> Self {
        match e {
            // Passing: the server renews it within seconds; the client may try again.
            crate::crypto::CryptoError::LeaseLapsed => Error::Unavailable(e.into()),
            other => Error::Internal(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as Diesel};

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
    fn contention_is_unavailable_and_other_database_errors_are_internal_with_their_cause() {
        for (kind, message) in [
            (DatabaseErrorKind::Unknown, "database is locked"),
            (DatabaseErrorKind::Unknown, "database is busy"),
            (
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
            (DatabaseErrorKind::Unknown, "deadlock detected"),
        ] {
            let error = Error::from(Diesel::DatabaseError(kind, Box::new(Info(message))));
            assert_eq!(error.code(), ErrorCode::ServiceUnavailable, "{message}");
        }
        let other = Error::from(Diesel::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(Info("no such column: x")),
        ));
        assert_eq!(other.code(), ErrorCode::InternalError);
        let source = std::error::Error::source(&other).map(|s| s.to_string());
        assert_eq!(source.as_deref(), Some("no such column: x"));
    }
}
