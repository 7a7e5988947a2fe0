//! The wire shape of what support sees: accounts, and the outbox of outgoing messages.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::{operators, outbox};

/// An account as support sees it.
#[derive(Serialize, ToSchema)]
pub struct AccountRecord {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set while the account is frozen.
    pub frozen_at: Option<DateTime<Utc>>,
    /// True when the account has an active second factor.
    pub mfa_enabled: bool,
}

impl From<operators::AccountRecord> for AccountRecord {
    fn from(record: operators::AccountRecord) -> Self {
        AccountRecord {
            id: record.id.into(),
            email: record.email,
            display_name: record.display_name,
            created_at: record.created_at,
            frozen_at: record.frozen_at,
            mfa_enabled: record.mfa_enabled,
        }
    }
}

/// How a message travels.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Whatsapp,
    Webhook,
}

mirror_enum!(Channel <=> outbox::Channel {
    Email,
    Sms,
    Whatsapp,
    Webhook,
});

/// Where a message stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Delivered,
    Failed,
}

mirror_enum!(Status <=> outbox::Status {
    Pending,
    Delivered,
    Failed,
});

/// A message as operators see it: never its content.
#[derive(Serialize, ToSchema)]
pub struct OutboxEntry {
    pub id: String,
    pub channel: Channel,
    /// The email address, phone number (masked) or webhook URL.
    pub recipient: String,
    /// What the message is, e.g. `password_reset` or a webhook event type.
    #[schema(example = "password_reset")]
    pub kind: String,
    pub status: Status,
    pub attempts: i32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (pending messages).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was delivered or failed for good.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<outbox::OutboxEntry> for OutboxEntry {
    fn from(entry: outbox::OutboxEntry) -> Self {
        OutboxEntry {
            id: entry.id,
            channel: entry.channel.into(),
            recipient: entry.recipient,
            kind: entry.kind,
            status: entry.status.into(),
            attempts: entry.attempts,
            last_error: entry.last_error,
            created_at: entry.created_at,
            next_attempt_at: entry.next_attempt_at,
            finished_at: entry.finished_at,
        }
    }
}
