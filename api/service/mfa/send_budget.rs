//! What SMS and WhatsApp codes may cost: every send is written to a ledger that nothing a user
//! does deletes (no foreign keys: removing a factor, re-enrolling or deleting the account gives
//! nothing back), and a send is refused (429 `rate_limited`, `Retry-After`) once any budget is
//! spent:
//! - per destination number: one every 30 seconds and 10 a day, whichever account asks;
//! - per account: 5 an hour, whatever numbers it names;
//! - per client address (IPv6 by /64): `per_address_hourly` an hour, across accounts;
//! - per deployment and channel: `sms_daily_cap` / `whatsapp_daily_cap` a day. The send that
//!   reaches a cap also queues the operator's `messaging.cap_reached` webhook, once a day.
//!
//! Windows roll: "a day" is the 24 hours before now.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{message_sends, messaging_cap_alerts};
use crate::db::{DbConnection, from_db, to_db};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::ids::row_id;
use crate::service::outbox::Channel;
use crate::service::rate_limit;
use crate::service::webhooks;

pub const DESTINATION_COOLDOWN: Duration = Duration::seconds(30);
pub const PER_DESTINATION_DAILY: usize = 10;
pub const PER_ACCOUNT_HOURLY: usize = 5;

/// The deployment's own ceilings (settings).
#[derive(Debug, Clone, Copy)]
pub struct SendBudget {
    /// Sends from one client address in an hour, across accounts.
    pub per_address_hourly: usize,
    pub sms_daily_cap: i64,
    pub whatsapp_daily_cap: i64,
}

impl Default for SendBudget {
    fn default() -> Self {
        SendBudget {
            per_address_hourly: 30,
            sms_daily_cap: 10_000,
            whatsapp_daily_cap: 10_000,
        }
    }
}

impl SendBudget {
    fn daily_cap(&self, channel: Channel) -> i64 {
        match channel {
            Channel::Whatsapp => self.whatsapp_daily_cap,
            _ => self.sms_daily_cap,
        }
    }
}

/// The ledger's name for a number: a keyed digest, so the ledger holds no phone numbers.
fn destination_value(phone: &str) -> String {
    format!(
        "message-destination:{}",
        crate::service::phone_numbers::destination_key(phone)
    )
}

/// When the sends of a window, oldest first, free a place: the oldest leaves the window.
fn frees_up(times: &[NaiveDateTime], window: Duration, now: DateTime<Utc>) -> Duration {
    times
        .first()
        .map(|oldest| from_db(*oldest) + window - now)
        .unwrap_or_else(|| Duration::seconds(1))
}

/// Spends one send of `channel` by `account_id` to `phone`, or refuses without writing.
pub fn spend(cx: &mut Tx<'_>, channel: Channel, account_id: &str, phone: &str) -> Result<()> {
    let day_ago = to_db(cx.now - Duration::days(1));
    let hour_ago = to_db(cx.now - Duration::hours(1));
    let destination = destination_value(phone);
    let digests = cx.env.sealer.digest_candidates(&destination);

    let to_destination: Vec<NaiveDateTime> = message_sends::table
        .filter(message_sends::destination_digest.eq_any(&digests))
        .filter(message_sends::created_at.gt(day_ago))
        .order(message_sends::created_at.asc())
        .select(message_sends::created_at)
        .load(cx.conn)?;
    if let Some(latest) = to_destination.last().map(|at| from_db(*at))
        && cx.now < latest + DESTINATION_COOLDOWN
    {
        return Err(rate_limit::refusal(
            latest + DESTINATION_COOLDOWN - cx.now,
            "A code was just sent; wait a little before asking for another.",
        ));
    }

    let by_account: Vec<NaiveDateTime> = message_sends::table
        .filter(message_sends::account_id.eq(account_id))
        .filter(message_sends::created_at.gt(hour_ago))
        .order(message_sends::created_at.asc())
        .select(message_sends::created_at)
        .load(cx.conn)?;
    if by_account.len() >= PER_ACCOUNT_HOURLY {
        return Err(rate_limit::refusal(
            frees_up(&by_account, Duration::hours(1), cx.now),
            "Too many codes were sent for this account in the last hour; try again later.",
        ));
    }

    if to_destination.len() >= PER_DESTINATION_DAILY {
        return Err(rate_limit::refusal(
            frees_up(&to_destination, Duration::days(1), cx.now),
            "Too many codes were sent to this number today; try again later.",
        ));
    }

    let client_network = cx.client.ip_key();
    let from_address: Vec<NaiveDateTime> = message_sends::table
        .filter(message_sends::client_network.eq(&client_network))
        .filter(message_sends::created_at.gt(hour_ago))
        .order(message_sends::created_at.asc())
        .select(message_sends::created_at)
        .load(cx.conn)?;
    if from_address.len() >= cx.env.send_budget.per_address_hourly {
        return Err(rate_limit::refusal(
            frees_up(&from_address, Duration::hours(1), cx.now),
            "Too many codes were asked for from this network in the last hour; try again later.",
        ));
    }

    let cap = cx.env.send_budget.daily_cap(channel);
    let (sent_today, oldest): (i64, Option<NaiveDateTime>) = message_sends::table
        .filter(message_sends::channel.eq(channel.name()))
        .filter(message_sends::created_at.gt(day_ago))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(message_sends::created_at),
        ))
        .first(cx.conn)?;
    if sent_today >= cap {
        let retry = oldest
            .map(|at| from_db(at) + Duration::days(1) - cx.now)
            .unwrap_or_else(|| Duration::hours(1));
        return Err(rate_limit::refusal(
            retry,
            &format!(
                "This service has sent as many {} codes as it may today; try another method or later.",
                channel.name()
            ),
        ));
    }

    diesel::insert_into(message_sends::table)
        .values((
            message_sends::id.eq(row_id()),
            message_sends::channel.eq(channel.name()),
            message_sends::account_id.eq(account_id),
            message_sends::destination_digest.eq(cx.env.sealer.digest(&destination)),
            message_sends::client_network.eq(&client_network),
            message_sends::created_at.eq(to_db(cx.now)),
        ))
        .execute(cx.conn)?;
    if sent_today + 1 >= cap {
        alert_cap_reached(cx, channel, cap)?;
    }
    Ok(())
}

/// Queues `messaging.cap_reached` for the operator, at most once per channel and UTC day. It
/// goes out with the send that reached the cap: a refused send writes nothing.
fn alert_cap_reached(cx: &mut Tx<'_>, channel: Channel, cap: i64) -> Result<()> {
    let day = cx.now.format("%Y-%m-%d").to_string();
    let already = |cx: &mut Context<'_>| -> Result<bool> {
        Ok(messaging_cap_alerts::table
            .find((channel.name(), day.as_str()))
            .count()
            .get_result::<i64>(cx.conn)?
            > 0)
    };
    if already(cx)? {
        return Ok(());
    }
    // In a savepoint: when a concurrent send that reached the cap too wins the key, this one
    // has nothing to say (and the transaction goes on).
    let inserted = cx.transaction(|cx| {
        diesel::insert_into(messaging_cap_alerts::table)
            .values((
                messaging_cap_alerts::channel.eq(channel.name()),
                messaging_cap_alerts::day.eq(&day),
                messaging_cap_alerts::created_at.eq(to_db(cx.now)),
            ))
            .execute(cx.conn)
            .map_err(Error::from)
    });
    if let Err(e) = inserted {
        return if already(cx)? { Ok(()) } else { Err(e) };
    }
    tracing::warn!(channel = channel.name(), cap, "messaging daily cap reached");
    webhooks::emit(
        cx,
        "messaging.cap_reached",
        json!({ "channel": channel.name(), "daily_cap": cap, "day": day }),
    )
}

/// Deletes ledger rows two days after they were written (the longest window is a day), and
/// alert marks after a week.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    let sends = diesel::delete(
        message_sends::table.filter(message_sends::created_at.le(to_db(now - Duration::days(2)))),
    )
    .execute(conn)?;
    let alerts = diesel::delete(
        messaging_cap_alerts::table
            .filter(messaging_cap_alerts::created_at.le(to_db(now - Duration::days(7)))),
    )
    .execute(conn)?;
    Ok(sends + alerts)
}
