//! The wire shape of email verification: an email on its way, an address proven.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::email_verification;

/// A verification email on its way.
#[derive(Serialize, ToSchema)]
pub struct VerificationSent {
    /// The address the code and link went to.
    #[schema(example = "ada@example.com")]
    pub sent_to: String,
    /// When the code and link stop working.
    pub expires_at: DateTime<Utc>,
    /// When another email may be asked for.
    pub resend_after: DateTime<Utc>,
}

impl From<email_verification::VerificationSent> for VerificationSent {
    fn from(sent: email_verification::VerificationSent) -> Self {
        VerificationSent {
            sent_to: sent.sent_to,
            expires_at: sent.expires_at,
            resend_after: sent.resend_after,
        }
    }
}

/// A proven address.
#[derive(Serialize, ToSchema)]
pub struct EmailVerified {
    /// The account's address, proven (for a change: the new one).
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub email_verified_at: DateTime<Utc>,
}

impl From<email_verification::EmailVerified> for EmailVerified {
    fn from(verified: email_verification::EmailVerified) -> Self {
        EmailVerified {
            email: verified.email,
            email_verified_at: verified.email_verified_at,
        }
    }
}
