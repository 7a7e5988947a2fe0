//! The outbox: every outgoing message is a row written in the transaction of the change that
//! causes it, so a message is never lost to a crash or a slow provider, and never sent for a
//! change that rolled back. A background worker claims due rows, delivers them, and records
//! the outcome: delivered, or another attempt after a growing delay, or — after the last
//! attempt, or a refusal no retry can fix — failed, kept for operators to see.
//!
//! The content is sealed under the keyring (it may carry a code or a reset link) and erased
//! once the message is delivered or has failed.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::{Context, Tx};
use super::error::{Error, Result};
use super::ids::row_id;
use super::pagination::{Cursor, Page, PageRequest, page_from};
use crate::crypto::sealing::Sealer;
use crate::db::models::OutboxRow;
use crate::db::schema::outbox;
use crate::db::{DbConnection, from_db, to_db};
use crate::service::sealed::OUTBOX;

/// How long a worker may take to deliver what it claimed before another may try.
const CLAIM: Duration = Duration::minutes(2);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::hours(1);

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    Whatsapp,
    Webhook,
}

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Webhook => "webhook",
        }
    }

    fn parse(text: &str) -> Option<Channel> {
        [
            Channel::Email,
            Channel::Sms,
            Channel::Whatsapp,
            Channel::Webhook,
        ]
        .into_iter()
        .find(|c| c.name() == text)
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Delivered,
    Failed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Delivered => "delivered",
            Status::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Status {
        match text {
            "delivered" => Status::Delivered,
            "failed" => Status::Failed,
            _ => Status::Pending,
        }
    }
}

/// What a message says. For a webhook, `text` is the JSON body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub text: String,
    /// A phone number travels sealed with the content; the row shows it masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// How hard the worker tries.
#[derive(Debug, Clone)]
pub struct DeliveryPolicy {
    /// Attempts before a message is failed.
    pub max_attempts: i32,
    /// The wait after the first failed attempt; it doubles with each further one (at most an
    /// hour).
    pub first_retry: Duration,
}

impl DeliveryPolicy {
    /// The wait after the `attempts`-th failed attempt.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.first_retry
            .checked_mul(1 << doublings)
            .unwrap_or(MAX_BACKOFF)
            .min(MAX_BACKOFF)
    }
}

/// Queues a message in the caller's transaction; returns its id.
pub fn enqueue(
    cx: &mut Tx<'_>,
    channel: Channel,
    recipient: &str,
    kind: &str,
    content: &Content,
) -> Result<String> {
    let id = row_id();
    // Phone numbers are kept sealed elsewhere (in their factor): here too.
    let (shown, content) = match channel {
        Channel::Sms | Channel::Whatsapp => (
            super::mfa::sent_codes::mask(recipient),
            Content {
                to: Some(recipient.to_string()),
                ..content.clone()
            },
        ),
        Channel::Email | Channel::Webhook => (recipient.to_string(), content.clone()),
    };
    let json = zeroize::Zeroizing::new(serde_json::to_vec(&content).map_err(Error::internal)?);
    let sealed = cx.env.sealer.seal(&json, &OUTBOX.to(&id))?;
    diesel::insert_into(outbox::table)
        .values(OutboxRow {
            id: id.clone(),
            channel: channel.name().to_string(),
            recipient: shown,
            kind: kind.to_string(),
            payload_ciphertext: Some(sealed.ciphertext),
            key_id: Some(sealed.key_id),
            status: Status::Pending.name().to_string(),
            attempts: 0,
            next_attempt_at: to_db(cx.now),
            claimed_until: None,
            last_error: None,
            created_at: to_db(cx.now),
            finished_at: None,
        })
        .execute(cx.conn)?;
    Ok(id)
}

/// A message a worker claimed, opened for delivery.
#[derive(Debug)]
pub struct Claimed {
    pub id: String,
    pub channel: Channel,
    pub recipient: String,
    pub kind: String,
    pub content: Content,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Worth another try (the provider was down, slow, or asked to wait).
    Retry(String),
    /// No retry can fix it (the provider refused the message).
    Refused(String),
}

/// Claims up to `limit` due messages for this worker and opens them.
pub fn claim_due(tx: &mut Tx<'_>, limit: i64) -> Result<Vec<Claimed>> {
    let (sealer, now) = (&tx.env.sealer, tx.now);
    let claimable = || {
        outbox::status
            .eq(Status::Pending.name())
            .and(outbox::next_attempt_at.le(to_db(now)))
            .and(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.le(to_db(now))),
            )
    };
    let due: Vec<String> = outbox::table
        .filter(claimable())
        .order(outbox::next_attempt_at)
        .limit(limit)
        .select(outbox::id)
        .load(tx.conn)?;
    let mut claimed = Vec::new();
    for id in due {
        // Conditional, so that of instances racing for a message one gets it.
        let won = diesel::update(outbox::table.find(&id).filter(claimable()))
            .set(outbox::claimed_until.eq(Some(to_db(now + CLAIM))))
            .execute(tx.conn)?;
        if won == 0 {
            continue;
        }
        let row: OutboxRow = outbox::table
            .find(&id)
            .select(OutboxRow::as_select())
            .first(tx.conn)?;
        match open(sealer, &row) {
            Ok(message) => claimed.push(message),
            Err(e) => {
                tracing::error!(outbox_id = %id, error = %e, "an outgoing message does not open");
                let refused = Outcome::Refused(format!("the message does not open: {e}"));
                record(tx, &id, row.attempts, refused)?;
            }
        }
    }
    Ok(claimed)
}

fn open(sealer: &Sealer, row: &OutboxRow) -> Result<Claimed> {
    let (Some(key_id), Some(ciphertext)) = (&row.key_id, &row.payload_ciphertext) else {
        return Err(Error::internal("no content"));
    };
    let json = sealer.open(key_id, ciphertext, &OUTBOX.to(&row.id))?;
    let content: Content = serde_json::from_slice(&json).map_err(Error::internal)?;
    let channel = Channel::parse(&row.channel)
        .ok_or_else(|| Error::internal(format!("unknown channel {}", row.channel)))?;
    Ok(Claimed {
        id: row.id.clone(),
        channel,
        recipient: content.to.clone().unwrap_or_else(|| row.recipient.clone()),
        kind: row.kind.clone(),
        content,
        attempts: row.attempts,
    })
}

/// Records how the attempt after `attempts_before` others went.
pub fn record(tx: &mut Tx<'_>, id: &str, attempts_before: i32, outcome: Outcome) -> Result<Status> {
    let (policy, now) = (&tx.env.delivery, tx.now);
    let attempts = attempts_before + 1;
    let (status, error) = match outcome {
        Outcome::Delivered => (Status::Delivered, None),
        Outcome::Retry(error) if attempts < policy.max_attempts => (Status::Pending, Some(error)),
        Outcome::Retry(error) | Outcome::Refused(error) => (Status::Failed, Some(error)),
    };
    let error: Option<String> = error.map(|e| e.chars().take(500).collect());
    let target = outbox::table.find(id);
    if status == Status::Pending {
        diesel::update(target)
            .set((
                outbox::attempts.eq(attempts),
                outbox::next_attempt_at.eq(to_db(now + policy.backoff(attempts))),
                outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
                outbox::last_error.eq(error),
            ))
            .execute(tx.conn)?;
    } else {
        // Done with, one way or the other: the content goes.
        diesel::update(target)
            .set((
                outbox::status.eq(status.name()),
                outbox::attempts.eq(attempts),
                outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
                outbox::last_error.eq(error),
                outbox::finished_at.eq(Some(to_db(now))),
                outbox::payload_ciphertext.eq(None::<String>),
                outbox::key_id.eq(None::<String>),
            ))
            .execute(tx.conn)?;
    }
    Ok(status)
}

/// A message as operators see it: never its content.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub id: String,
    pub channel: Channel,
    /// The email address, phone number (masked) or webhook URL.
    pub recipient: String,
    /// What the message is, e.g. `password_reset` or a webhook event type.
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

fn entry(row: OutboxRow) -> OutboxEntry {
    let status = Status::parse(&row.status);
    OutboxEntry {
        channel: Channel::parse(&row.channel).unwrap_or(Channel::Email),
        next_attempt_at: (status == Status::Pending).then(|| from_db(row.next_attempt_at)),
        id: row.id,
        recipient: row.recipient,
        kind: row.kind,
        status,
        attempts: row.attempts,
        last_error: row.last_error,
        created_at: from_db(row.created_at),
        finished_at: row.finished_at.map(from_db),
    }
}

/// Messages with `status`, newest first.
pub fn list(cx: &mut Context<'_>, status: Status, page: &PageRequest) -> Result<Page<OutboxEntry>> {
    let rows = crate::keyset_page!(
        outbox::table
            .filter(outbox::status.eq(status.name()))
            .select(OutboxRow::as_select()),
        outbox::created_at,
        outbox::id,
        page
    )
    .load::<OutboxRow>(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.created_at, &r.id),
        entry,
    ))
}

/// Deletes delivered messages after a week and failed ones after 30 days, in batches.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    use super::maintenance::{BATCH, in_batches};
    let mut pruned = 0;
    for (status, kept) in [
        (Status::Delivered, Duration::days(7)),
        (Status::Failed, Duration::days(30)),
    ] {
        pruned += in_batches(|| {
            let ids: Vec<String> = outbox::table
                .filter(outbox::status.eq(status.name()))
                .filter(outbox::finished_at.le(to_db(now - kept)))
                .select(outbox::id)
                .limit(BATCH)
                .load(conn)?;
            if ids.is_empty() {
                return Ok(0);
            }
            Ok(diesel::delete(outbox::table.filter(outbox::id.eq_any(&ids))).execute(conn)?)
        })?;
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let policy = DeliveryPolicy {
            max_attempts: 8,
            first_retry: Duration::seconds(10),
        };
        assert_eq!(policy.backoff(1), Duration::seconds(10));
        assert_eq!(policy.backoff(2), Duration::seconds(20));
        assert_eq!(policy.backoff(4), Duration::seconds(80));
        assert_eq!(policy.backoff(30), Duration::hours(1));
    }
}
