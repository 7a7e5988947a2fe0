//! The HTTP edge of every error: one status per code, one RFC 9457
//! `application/problem+json` shape. A 5xx body carries no internal text: the cause is
//! logged here, once, with the request id (the request's tracing span carries it).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error_code::ErrorCode;
use crate::service;

tokio::task_local! {
    /// The id of the request being served; set by the request-id middleware.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Every error a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What the domain refused, or could not do.
    #[error(transparent)]
    Service(#[from] service::Error),
    /// A request the HTTP layer refused before any domain logic: its body, its parameters,
    /// its method, its origin, or a full queue.
    #[error("{code}: {detail}")]
    Request {
        code: ErrorCode,
        detail: String,
        /// For 405: the methods the resource allows.
        allow: Option<String>,
    },
}

impl ApiError {
    pub fn request(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError::Request {
            code,
            detail: detail.into(),
            allow: None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Service(e) => e.code(),
            ApiError::Request { code, .. } => *code,
        }
    }

    fn denial(&self) -> Option<&service::Denial> {
        match self {
            ApiError::Service(e) => e.denial(),
            ApiError::Request { .. } => None,
        }
    }

    /// Seconds a client should wait before trying again, sent as `Retry-After` too.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self.code() {
            ErrorCode::Overloaded | ErrorCode::ServiceUnavailable => Some(1),
            _ => self.denial().and_then(|d| d.retry_after_secs),
        }
    }

    /// What the problem's `detail` says.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Request { detail, .. } => detail.clone(),
            ApiError::Service(e) => e
                .denial()
                .and_then(|d| d.detail.clone())
                .unwrap_or_else(|| default_detail(self.code()).to_string()),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let code = self.code();
        let detail = self.detail();
        let denial = self.denial();
        Problem {
            problem_type: format!("urn:tessera:problem:{code}"),
            title: title(code).to_string(),
            status: status(code).as_u16(),
            detail,
            code: code.as_str().to_string(),
            request_id: current_request_id(),
            errors: denial
                .map(|d| d.errors.iter().map(FieldError::from).collect::<Vec<_>>())
                .filter(|e| !e.is_empty()),
            retry_after: self.retry_after_secs(),
            attempts_remaining: denial.and_then(|d| d.attempts_remaining),
        }
    }
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
    /// Stable machine-readable code; branch on this, not on `title` or `detail`. The codes the
    /// API answers are listed in `x-error-codes` (more may be added).
    #[schema(example = "invalid_credentials")]
    pub code: String,
    /// Id of the request, also in the `x-request-id` header and in the server log.
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field messages: what failed validation (422), or which confirmation was wrong (403).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// Seconds until the action may be tried again (429, 503).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
    /// Wrong answers still allowed before the challenge or pending factor dies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_remaining: Option<i32>,
}

/// A validation message about one field of the request.
#[derive(Debug, Serialize, ToSchema)]
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

impl From<&service::FieldError> for FieldError {
    fn from(error: &service::FieldError) -> Self {
        FieldError {
            field: error.field.clone(),
            code: error.code.clone(),
            message: error.message.clone(),
        }
    }
}

/// The status of each code: the one place codes meet HTTP.
pub fn status(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        MalformedJson
        | UnreadableBody
        | InvalidPathParameter
        | InvalidQueryParameter
        | InvalidCursor
        | InvalidLimit
        | ResetTokenInvalid
        | EmailVerificationInvalid
        | SsoStateInvalid
        | SsoLoginCodeInvalid => StatusCode::BAD_REQUEST,
        Unauthenticated | InvalidCredentials | InvalidCode | SsoDenied | SsoCodeRefused
        | SsoIdTokenInvalid => StatusCode::UNAUTHORIZED,
        OriginNotAllowed
        | ReauthenticationFailed
        | ReauthenticationRequired
        | InsufficientRole
        | InsufficientScope
        | SsoAccountNotProvisioned
        | InvitationForAnotherAccount => StatusCode::FORBIDDEN,
        NotFound | SsoNotConfigured | InvitationInvalid => StatusCode::NOT_FOUND,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        EmailTaken
        | TotpAlreadyActive
        | FactorAlreadyActive
        | MfaNotEnabled
        | AlreadyAMember
        | LastOwner
        | MfaRequiredByPolicy
        | SerialTaken
        | TokenAssigned
        | ChannelUnavailable
        | DomainNotVerified
        | DomainTaken
        | SsoAccountExists
        | SsoLinkRequired
        | SsoIdentityLinkedElsewhere
        | PasswordManagedByIdp
        | AccountNotManaged
        | InvitationRequired
        | SignInRequired
        | ManagedAccountCannotLeave
        | LimitReached
        | EmailAlreadyVerified
        | EmailManagedByIdp => StatusCode::CONFLICT,
        FactorExpired | FactorExhausted | ChallengeUsed | ChallengeExhausted | ChallengeExpired
        | SsoFlowExpired | InvitationExpired => StatusCode::GONE,
        SsoProviderUnavailable => StatusCode::BAD_GATEWAY,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        AccountFrozen => StatusCode::LOCKED,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        InvalidBody | UnknownField | MissingField | ValidationFailed => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        TooManyAttempts | RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ServiceUnavailable | Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        InternalError => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn title(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        MalformedJson
        | UnreadableBody
        | InvalidPathParameter
        | InvalidQueryParameter
        | InvalidCursor
        | InvalidLimit
        | ResetTokenInvalid
        | EmailVerificationInvalid
        | SsoStateInvalid
        | SsoLoginCodeInvalid => "Bad request",
        InvalidBody | UnknownField | MissingField => "Invalid request body",
        ValidationFailed => "Validation failed",
        Unauthenticated => "Authentication required",
        InvalidCredentials => "Invalid credentials",
        InvalidCode => "Invalid code",
        ReauthenticationFailed => "Re-authentication failed",
        ReauthenticationRequired => "Re-authentication required",
        OriginNotAllowed
        | InsufficientRole
        | InsufficientScope
        | SsoAccountNotProvisioned
        | InvitationForAnotherAccount => "Forbidden",
        SsoDenied | SsoCodeRefused | SsoIdTokenInvalid => "Single sign-on failed",
        SsoProviderUnavailable => "Identity provider unavailable",
        NotFound | SsoNotConfigured | InvitationInvalid => "Not found",
        MethodNotAllowed => "Method not allowed",
        EmailTaken
        | TotpAlreadyActive
        | FactorAlreadyActive
        | MfaNotEnabled
        | AlreadyAMember
        | LastOwner
        | MfaRequiredByPolicy
        | SerialTaken
        | TokenAssigned
        | ChannelUnavailable
        | DomainNotVerified
        | DomainTaken
        | SsoAccountExists
        | SsoLinkRequired
        | SsoIdentityLinkedElsewhere
        | PasswordManagedByIdp
        | AccountNotManaged
        | InvitationRequired
        | SignInRequired
        | ManagedAccountCannotLeave
        | LimitReached
        | EmailAlreadyVerified
        | EmailManagedByIdp => "Conflict",
        FactorExpired | FactorExhausted | ChallengeUsed | ChallengeExhausted | ChallengeExpired
        | SsoFlowExpired | InvitationExpired => "Gone",
        PayloadTooLarge => "Payload too large",
        AccountFrozen => "Account frozen",
        UnsupportedMediaType => "Unsupported media type",
        TooManyAttempts => "Too many attempts",
        RateLimited => "Rate limited",
        Overloaded => "Overloaded",
        ServiceUnavailable => "Service unavailable",
        InternalError => "Internal server error",
    }
}

/// What a denial says when it has nothing more specific.
fn default_detail(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        ValidationFailed => "One or more fields are invalid; see `errors`.",
        Unauthenticated => "The credential is missing, unknown or expired.",
        InvalidCredentials => "The email or password is wrong.",
        InvalidCode => "The code is wrong, expired or already used.",
        ReauthenticationFailed => {
            "The password or code given to confirm this change is wrong or missing; see \
             `errors`. The session is still valid."
        }
        NotFound => "No such resource.",
        ResetTokenInvalid => {
            "This reset link is unknown, already used or expired; ask for a new one."
        }
        AccountFrozen => "This account is frozen; contact support.",
        EmailVerificationInvalid => {
            "This verification link or code is wrong, already used, replaced by a newer one or \
             expired; ask for a new one."
        }
        EmailAlreadyVerified => "This account's email address is already verified.",
        EmailManagedByIdp => {
            "This account's email address is kept by its organisation's identity provider: \
             change it there."
        }
        AccountNotManaged => {
            "The organisation does not manage this account: only its owner changes its factors \
             (with their recovery codes if a device is lost)."
        }
        InvitationRequired => {
            "Only accounts the organisation manages are added directly: invite this address \
             (POST /v1/orgs/{org_id}/invitations)."
        }
        InvitationInvalid => "This invitation is unknown, revoked or already accepted.",
        InvitationExpired => "This invitation has expired; ask for a new one.",
        InvitationForAnotherAccount => {
            "This invitation is for another email address than the signed-in account's."
        }
        SignInRequired => {
            "An account with this email address exists: sign in, then accept the invitation."
        }
        ManagedAccountCannotLeave => {
            "This account is managed by the organisation and cannot leave it."
        }
        DomainTaken => "Another organisation has verified this domain.",
        SsoLinkRequired => {
            "An account with this email exists and its address was never confirmed: sign in \
             with its password (and second factor), then link the identity provider \
             (POST /v1/me/sso/link); or confirm the address with a password reset."
        }
        ReauthenticationRequired => {
            "This change needs a sign-in at your identity provider within the last 10 minutes: \
             sign in through SSO again, then retry."
        }
        TooManyAttempts => "Too many failed attempts; try again later.",
        RateLimited => "Too many requests of this kind from your network; try again later.",
        Overloaded => "The server is busy checking passwords; try again in a second.",
        ServiceUnavailable => "The service cannot reach its database; try again shortly.",
        InternalError => {
            "Something went wrong on our side; quote the request id when reporting it."
        }
        _ => "The request cannot be completed.",
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status(self.code())
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Service(
            e @ (service::Error::Internal(_) | service::Error::Unavailable(_)),
        ) = self
        {
            let cause = std::error::Error::source(e).map(|s| s.to_string());
            tracing::error!(error = %e, cause = cause.as_deref().unwrap_or(""), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(seconds) = self.retry_after_secs() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let ApiError::Request {
            allow: Some(allow), ..
        } = self
            && let Ok(value) = HeaderValue::from_str(allow)
        {
            response.insert_header((header::ALLOW, value));
        }
        if self.code() == ErrorCode::Unauthenticated {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Service(service::Error::Unavailable(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_code_has_a_status_and_server_faults_say_nothing_of_their_cause() {
        for code in ErrorCode::iter() {
            assert!(status(code).is_client_error() || status(code).is_server_error());
        }
        let fault = ApiError::from(service::Error::internal("secret table name t_accounts"));
        let problem = fault.to_problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("t_accounts"));
        let busy = ApiError::from(service::Error::Unavailable("database is locked".into()));
        assert_eq!(busy.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let response = busy.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
    }
}
