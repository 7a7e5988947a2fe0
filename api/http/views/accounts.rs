//! The wire shape of an account.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::accounts;

/// An account as its owner sees it.
#[derive(Serialize, ToSchema)]
pub struct Account {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// Whether the email address is proven: by the code or link sent to it, a password reset
    /// or an invitation it received, or the organisation's identity provider.
    pub email_verified: bool,
    /// When the email address was proven; null until then.
    pub email_verified_at: Option<DateTime<Utc>>,
    #[schema(example = "Ada Lovelace")]
    pub display_name: Option<String>,
    /// Phone number for SMS codes, E.164.
    #[schema(example = "+4915112345678")]
    pub phone: Option<String>,
    /// WhatsApp number for one-time codes, E.164. Setting it sends a code to it (when the
    /// server sends WhatsApp messages); `POST /v1/me/whatsapp/verify` proves it.
    #[schema(example = "+4915112345678")]
    pub whatsapp_number: Option<String>,
    /// When the WhatsApp number was proven; null until then. A proven number can receive
    /// login codes for an account with MFA on.
    pub whatsapp_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<accounts::Account> for Account {
    fn from(account: accounts::Account) -> Self {
        Account {
            id: account.id.into(),
            email: account.email,
            email_verified: account.email_verified,
            email_verified_at: account.email_verified_at,
            display_name: account.display_name,
            phone: account.phone,
            whatsapp_number: account.whatsapp_number,
            whatsapp_verified_at: account.whatsapp_verified_at,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}
