//! The wire shape of an organisation's hardware tokens: never their secrets.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::orgs::hardware_tokens;

/// A registered token, as the organisation's admins see it. Never its secret.
#[derive(Serialize, ToSchema)]
pub struct HardwareToken {
    pub id: String,
    pub name: String,
    pub serial: String,
    pub model: String,
    /// Seconds per code.
    pub period: i32,
    pub digits: i32,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    pub created_at: DateTime<Utc>,
    /// The member who holds it, if any.
    pub assigned_to: Option<Holder>,
}

impl From<hardware_tokens::HardwareToken> for HardwareToken {
    fn from(token: hardware_tokens::HardwareToken) -> Self {
        HardwareToken {
            id: token.id,
            name: token.name,
            serial: token.serial,
            model: token.model,
            period: token.period,
            digits: token.digits,
            algorithm: token.algorithm,
            created_at: token.created_at,
            assigned_to: token.assigned_to.map(Into::into),
        }
    }
}

/// Who holds a token.
#[derive(Serialize, ToSchema)]
pub struct Holder {
    pub account_id: String,
    pub email: String,
    pub assigned_at: DateTime<Utc>,
}

impl From<hardware_tokens::Holder> for Holder {
    fn from(holder: hardware_tokens::Holder) -> Self {
        Holder {
            account_id: holder.account_id.into(),
            email: holder.email,
            assigned_at: holder.assigned_at,
        }
    }
}

/// A token no one holds yet, as a member choosing one to bind sees it: never its secret.
#[derive(Serialize, ToSchema)]
pub struct FreeToken {
    pub id: String,
    pub org_id: String,
    /// The organisation's name.
    pub org_name: String,
    pub name: String,
    pub serial: String,
    pub model: String,
}

impl From<hardware_tokens::FreeToken> for FreeToken {
    fn from(token: hardware_tokens::FreeToken) -> Self {
        FreeToken {
            id: token.id,
            org_id: token.org_id.into(),
            org_name: token.org_name,
            name: token.name,
            serial: token.serial,
            model: token.model,
        }
    }
}
