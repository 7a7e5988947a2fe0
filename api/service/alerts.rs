//! Security alerts by email: a sign-in from a device the account has not used before, and
//! failed sign-in attempts (at most one alert per 15 minutes). Each can be turned off.
//!
//! A device is named by the long-lived `tessera_device` cookie, or by the `device_id` a mobile
//! client sends; the database keeps only a digest of it with the account id.

use chrono::Duration;
use diesel::prelude::*;
use serde::Serialize;

use super::context::{Context, Tx};
use super::devices::describe;
use super::error::Result;
use super::ids::AccountId;
use super::outbox::{self, Channel, Content};
use crate::crypto::tokens::token_digest;
use crate::db::schema::{known_devices, notification_preferences as prefs};
use crate::db::{DbConnection, to_db};

/// At most one failed-login alert per this long.
const FAILED_LOGIN_QUIET: Duration = Duration::minutes(15);

/// What the account is told of by email. Serialized as the details of its change's audit
/// event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NotificationPreferences {
    /// A sign-in from a device not seen before.
    pub new_device_login: bool,
    /// Failed sign-in attempts (wrong password or code, or a lockout).
    pub failed_login: bool,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        NotificationPreferences {
            new_device_login: true,
            failed_login: true,
        }
    }
}

pub fn preferences(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<NotificationPreferences> {
    let stored: Option<(bool, bool)> = prefs::table
        .find(account_id.as_str())
        .select((prefs::new_device_login, prefs::failed_login))
        .first(conn)
        .optional()?;
    Ok(stored
        .map(|(new_device_login, failed_login)| NotificationPreferences {
            new_device_login,
            failed_login,
        })
        .unwrap_or_default())
}

fn ensure_row(conn: &mut DbConnection, account_id: &AccountId) -> Result<()> {
    let defaults = NotificationPreferences::default();
    // Two failed logins at once may both find no row: ON CONFLICT, so one insert wins and
    // neither fails.
    crate::on_backend!(conn, |inner| diesel::insert_into(prefs::table)
        .values((
            prefs::account_id.eq(account_id.as_str()),
            prefs::new_device_login.eq(defaults.new_device_login),
            prefs::failed_login.eq(defaults.failed_login),
        ))
        .on_conflict_do_nothing()
        .execute(inner))?;
    Ok(())
}

pub fn set_preferences(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    wanted: NotificationPreferences,
) -> Result<NotificationPreferences> {
    cx.transaction(|cx| {
        ensure_row(cx.conn, account_id)?;
        diesel::update(prefs::table.find(account_id.as_str()))
            .set((
                prefs::new_device_login.eq(wanted.new_device_login),
                prefs::failed_login.eq(wanted.failed_login),
            ))
            .execute(cx.conn)?;
        // Turning alerts off is what someone who took the account over would do: it shows.
        super::audit::record(
            cx,
            account_id,
            super::audit::AuditAction::NotificationsChanged,
            Some(serde_json::to_value(wanted).map_err(super::error::Error::internal)?),
        )?;
        Ok(wanted)
    })
}

/// What the database keeps of a device identifier: a digest bound to the account.
pub fn device_digest(account_id: &AccountId, device: &str) -> String {
    token_digest(&format!("{account_id}:{device}"))
}

/// The digest of the device the request names, if it names one.
pub fn client_device(cx: &Context<'_>, account_id: &AccountId) -> Option<String> {
    cx.client
        .device
        .as_deref()
        .map(|device| device_digest(account_id, device))
}

/// Notes the device as the account's; returns whether it was new. Two sign-ins from one new
/// device at once insert it once (ON CONFLICT), and only that one is news.
fn remember_device(cx: &mut Context<'_>, account_id: &AccountId, digest: &str) -> Result<bool> {
    let now = to_db(cx.now);
    let inserted = crate::on_backend!(&mut *cx.conn, |inner| diesel::insert_into(
        known_devices::table
    )
    .values((
        known_devices::account_id.eq(account_id.as_str()),
        known_devices::device_digest.eq(digest),
        known_devices::first_seen_at.eq(now),
        known_devices::last_seen_at.eq(now),
    ))
    .on_conflict_do_nothing()
    .execute(inner))?;
    if inserted == 0 {
        diesel::update(known_devices::table.find((account_id.as_str(), digest)))
            .set(known_devices::last_seen_at.eq(now))
            .execute(cx.conn)?;
    }
    Ok(inserted == 1)
}

/// At sign-up: the device is the account's first, and no news.
pub fn first_device(cx: &mut Tx<'_>, account_id: &AccountId) -> Result<()> {
    if let Some(digest) = client_device(cx, account_id) {
        remember_device(cx, account_id, &digest)?;
    }
    Ok(())
}

/// Where and how the request came, for an alert.
fn whereabouts(cx: &Context<'_>) -> String {
    let client = cx.client;
    let device = describe(client.user_agent.as_deref());
    let browser = match (device.browser, device.os) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser,
        (None, Some(os)) => os,
        (None, None) => "an unknown browser or app".to_string(),
    };
    let place = client
        .location
        .as_ref()
        .map(|l| {
            [l.city.clone(), l.country.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "an unknown place".to_string());
    format!(
        "When: {}\nIP address: {}\nWhere: {place}\nBrowser: {browser}\n",
        cx.now.format("%Y-%m-%d %H:%M UTC"),
        client.ip.as_deref().unwrap_or("unknown"),
    )
}

/// A successful sign-in from the device with `digest` (none: a client that names no device,
/// taken as new each time): tells the account when the device is new to it.
pub fn signed_in(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    email: &str,
    digest: Option<&str>,
) -> Result<()> {
    let new = match digest {
        Some(digest) => remember_device(cx, account_id, digest)?,
        None => true,
    };
    if !new || !preferences(cx.conn, account_id)?.new_device_login {
        return Ok(());
    }
    let content = Content {
        subject: Some("New sign-in to your account".into()),
        text: format!(
            "Your account ({email}) was just signed in to from a device it had not used before.\n\n{}\n\
             If it was you, there is nothing to do. If not, change your password at once and \
             sign out the sessions you do not know.\n",
            whereabouts(cx)
        ),
        to: None,
    };
    outbox::enqueue(
        cx,
        Channel::Email,
        email,
        "alert.new_device_login",
        &content,
    )?;
    Ok(())
}

/// A failed sign-in attempt on the account: tells it, at most once per 15 minutes, if it
/// wants to know.
pub fn sign_in_failed(cx: &mut Tx<'_>, account_id: &AccountId, email: &str) -> Result<()> {
    if !preferences(cx.conn, account_id)?.failed_login {
        return Ok(());
    }
    ensure_row(cx.conn, account_id)?;
    let quiet_since = to_db(cx.now - FAILED_LOGIN_QUIET);
    // Conditional, so that of failures racing, one alert goes.
    let due = diesel::update(
        prefs::table.find(account_id.as_str()).filter(
            prefs::failed_login_alerted_at
                .is_null()
                .or(prefs::failed_login_alerted_at.le(quiet_since)),
        ),
    )
    .set(prefs::failed_login_alerted_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?;
    if due == 0 {
        return Ok(());
    }
    let content = Content {
        subject: Some("Failed sign-in attempts on your account".into()),
        text: format!(
            "Someone just tried to sign in to your account ({email}) with a wrong password or \
             code.\n\n{}\n\
             If it was you, there is nothing to do. If not, your account is still safe while \
             your password is; consider changing it and turning on two-factor authentication.\n",
            whereabouts(cx)
        ),
        to: None,
    };
    outbox::enqueue(cx, Channel::Email, email, "alert.failed_login", &content)?;
    Ok(())
}

/// A new way into the account: a second factor, an API key, a profile WhatsApp number that
/// receives login codes, a link to an organisation's identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WayIn<'a> {
    /// A second factor of this type (`totp`, `sms`, `whatsapp`, `hardware_token`).
    Factor(&'a str),
    /// An API key with this name; also a key given a new secret.
    ApiKey(&'a str),
    /// The profile's WhatsApp number, once proven.
    WhatsappNumber,
    /// A link to the identity provider of the organisation with this name.
    SsoLink(&'a str),
}

impl WayIn<'_> {
    fn describe(self) -> String {
        match self {
            WayIn::Factor("totp") => "An authenticator app was added as a second factor".into(),
            WayIn::Factor("sms") => {
                "A phone number for SMS codes was added as a second factor".into()
            }
            WayIn::Factor("whatsapp") => "A WhatsApp number was added as a second factor".into(),
            WayIn::Factor("hardware_token") => {
                "A hardware token was bound as a second factor".into()
            }
            WayIn::Factor(other) => format!("A second factor ({other}) was added"),
            WayIn::ApiKey(name) => format!("An API key named \"{name}\" was issued"),
            WayIn::WhatsappNumber => {
                "A WhatsApp number that receives sign-in codes was added to the profile".into()
            }
            WayIn::SsoLink(org) => {
                format!("The account was linked to the single sign-on of \"{org}\"")
            }
        }
    }
}

/// Tells the account that a way into it was just added. Always sent: it is how the owner
/// learns that someone with a stolen session or password planted one.
pub fn way_in_added(cx: &mut Tx<'_>, account_id: &AccountId, what: WayIn<'_>) -> Result<()> {
    use crate::db::schema::accounts;
    let email: String = accounts::table
        .find(account_id.as_str())
        .select(accounts::email)
        .first(cx.conn)?;
    let content = Content {
        subject: Some("A new way into your account was added".into()),
        text: format!(
            "{} on your account ({email}).\n\n{}\n\
             If it was you, there is nothing to do. If not, change your password at once, \
             remove what you do not know, and sign out the sessions you do not know.\n",
            what.describe(),
            whereabouts(cx)
        ),
        to: None,
    };
    outbox::enqueue(cx, Channel::Email, &email, "alert.way_in_added", &content)?;
    Ok(())
}
