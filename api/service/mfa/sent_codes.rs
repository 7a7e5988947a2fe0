//! Codes sent by SMS or WhatsApp: six random digits, kept as a keyed digest bound to its row
//! (a dump cannot be searched for them), valid 10 minutes, dead after 5 wrong tries, used
//! once. What may be sent at all is `send_budget`'s to say.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::{FactorType, open_secret, send_budget};
use crate::crypto::tokens::random_bytes;
use crate::db::models::MfaFactorRow;
use crate::db::schema::{accounts, mfa_factors, sent_codes};
use crate::db::{DbConnection, to_db};
use crate::error_code::ErrorCode;
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::ids::{AccountId, row_id};
use crate::service::outbox::{self, Channel, Content};
use crate::service::phone_numbers;
use crate::service::secret::Secret;

pub const VALID_FOR: Duration = Duration::minutes(10);
pub const MAX_WRONG: i32 = 5;
pub const COOLDOWN: Duration = send_budget::DESTINATION_COOLDOWN;

/// Which channels can carry codes: a configured provider, or the log in development.
#[derive(Debug, Clone, Copy, Default)]
pub struct Channels {
    pub sms: bool,
    pub whatsapp: bool,
}

impl Channels {
    /// Whether factors of `kind` are offered (enrolment, login methods).
    pub fn offers(self, kind: FactorType) -> bool {
        match kind {
            FactorType::Sms => self.sms,
            FactorType::Whatsapp => self.whatsapp,
            FactorType::Totp | FactorType::HardwareToken => true,
        }
    }
}

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    /// Proving the profile's WhatsApp number.
    Verification,
    Login,
    /// Confirming a sensitive change on a signed-in session (disabling MFA, removing a factor…).
    Confirmation,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Activation => "activation",
            Purpose::Verification => "verification",
            Purpose::Login => "login",
            Purpose::Confirmation => "confirmation",
        }
    }
}

/// A code on its way.
#[derive(Debug, Clone)]
pub struct SentCode {
    /// The phone number, masked.
    pub sent_to: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// When another code may be asked for.
    pub resend_after: DateTime<Utc>,
}

/// `+15550100123` as `+1•••••0123`.
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}•••••{tail}")
}

/// Six uniformly random digits.
pub(crate) fn new_code() -> String {
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>());
        // Rejection sampling: the top of the range would favour low codes.
        if n < u32::MAX - (u32::MAX % 1_000_000) {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// Where a code goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// An SMS or WhatsApp factor: its number is sealed in it.
    Factor(&'a MfaFactorRow),
    /// The profile's WhatsApp number.
    ProfileWhatsapp(&'a AccountId),
}

impl Target<'_> {
    fn account_id(&self) -> String {
        match self {
            Target::Factor(factor) => factor.account_id.clone(),
            Target::ProfileWhatsapp(account_id) => account_id.to_string(),
        }
    }

    fn factor_id(&self) -> Option<&str> {
        match self {
            Target::Factor(factor) => Some(&factor.id),
            Target::ProfileWhatsapp(_) => None,
        }
    }

    fn channel(&self) -> Result<Channel> {
        match self {
            Target::Factor(factor) => FactorType::parse(&factor.kind)
                .and_then(FactorType::channel)
                .ok_or_else(|| Error::internal(format!("no codes are sent for {}", factor.kind))),
            Target::ProfileWhatsapp(_) => Ok(Channel::Whatsapp),
        }
    }

    fn phone(&self, cx: &mut Context<'_>) -> Result<String> {
        match self {
            Target::Factor(factor) => {
                String::from_utf8(open_secret(&cx.env.sealer, factor)?.to_vec())
                    .map_err(Error::internal)
            }
            Target::ProfileWhatsapp(account_id) => accounts::table
                .find(account_id.as_str())
                .select(accounts::whatsapp_number)
                .first::<Option<String>>(cx.conn)?
                .ok_or_else(|| Error::internal("no WhatsApp number to send to")),
        }
    }
}

/// Where codes of a kind go for an account, as found in the database.
pub enum Destination {
    Factor(Box<MfaFactorRow>),
    /// No WhatsApp factor, but a proven profile number.
    ProfileWhatsapp,
}

impl Destination {
    /// Where the account's codes of `kind` go: its active factor of that kind, or for
    /// WhatsApp a proven profile number; none when neither.
    pub fn of(
        conn: &mut DbConnection,
        account_id: &AccountId,
        kind: FactorType,
    ) -> Result<Option<Destination>> {
        if let Some(factor) = super::active_factor(conn, account_id, kind)? {
            return Ok(Some(Destination::Factor(Box::new(factor))));
        }
        let profile = kind == FactorType::Whatsapp && super::verified_whatsapp(conn, account_id)?;
        Ok(profile.then_some(Destination::ProfileWhatsapp))
    }

    pub fn target<'a>(&'a self, account_id: &'a AccountId) -> Target<'a> {
        match self {
            Destination::Factor(factor) => Target::Factor(factor),
            Destination::ProfileWhatsapp => Target::ProfileWhatsapp(account_id),
        }
    }
}

/// The codes of one target, as a boxed query.
fn codes_of<'a>(
    target: &Target<'_>,
) -> Result<sent_codes::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>> {
    let query = sent_codes::table.into_boxed();
    Ok(match target.factor_id() {
        Some(factor_id) => query.filter(sent_codes::factor_id.eq(factor_id.to_string())),
        None => query
            .filter(sent_codes::account_id.eq(target.account_id()))
            .filter(sent_codes::factor_id.is_null())
            .filter(sent_codes::channel.eq(target.channel()?.name())),
    })
}

/// Sends a new code to `target` once the number may receive it and the send budgets allow
/// it (429 `rate_limited` with `Retry-After` otherwise; see `send_budget`).
pub fn send(cx: &mut Tx<'_>, target: Target<'_>, purpose: Purpose) -> Result<SentCode> {
    let channel = target.channel()?;
    let account_id = target.account_id();
    let phone = target.phone(cx)?;
    // The policy may have changed since the number was enrolled.
    if let Some(refusal) = phone_numbers::refusal(&cx.env.phone_numbers, channel, &phone) {
        return Err(Error::denied_because(
            ErrorCode::ChannelUnavailable,
            refusal.field_error("phone", channel).message,
        ));
    }
    send_budget::spend(cx, channel, &account_id, &phone)?;
    let code = Secret::new(new_code());
    let id = row_id();
    let expires_at = cx.now + VALID_FOR;
    diesel::insert_into(sent_codes::table)
        .values((
            sent_codes::id.eq(&id),
            sent_codes::account_id.eq(&account_id),
            sent_codes::factor_id.eq(target.factor_id()),
            sent_codes::channel.eq(channel.name()),
            sent_codes::purpose.eq(purpose.name()),
            sent_codes::code_digest.eq(cx.env.sealer.digest(&format!("{id}:{}", code.expose()))),
            sent_codes::created_at.eq(to_db(cx.now)),
            sent_codes::expires_at.eq(to_db(expires_at)),
        ))
        .execute(cx.conn)?;
    let content = Content {
        subject: None,
        text: format!(
            "{} code: {}. It expires in 10 minutes. Never share it; we will never ask for it.",
            cx.env.totp_issuer,
            code.expose()
        ),
        to: None,
    };
    outbox::enqueue(
        cx,
        channel,
        &phone,
        &format!("code.{}", purpose.name()),
        &content,
    )?;
    Ok(SentCode {
        sent_to: mask(&phone),
        expires_at,
        resend_after: cx.now + COOLDOWN,
    })
}

/// Checks `code` against the target's latest live code for `purpose`, and uses it up when it
/// is right; a wrong one counts towards that code's 5 tries.
pub fn use_code(
    cx: &mut Context<'_>,
    target: Target<'_>,
    purpose: Purpose,
    code: &Secret,
) -> Result<bool> {
    let live: Option<(String, String)> = codes_of(&target)?
        .filter(sent_codes::purpose.eq(purpose.name()))
        .filter(sent_codes::used_at.is_null())
        .filter(sent_codes::expires_at.gt(to_db(cx.now)))
        .filter(sent_codes::failed_attempts.lt(MAX_WRONG))
        .order(sent_codes::created_at.desc())
        .select((sent_codes::id, sent_codes::code_digest))
        .first(cx.conn)
        .optional()?;
    let Some((id, digest)) = live else {
        return Ok(false);
    };
    let given = code.expose().trim();
    if cx
        .env
        .sealer
        .digest_matches(&digest, &format!("{id}:{given}"))
    {
        // Conditional: two uses of one code at once succeed once.
        let used = diesel::update(
            sent_codes::table
                .find(&id)
                .filter(sent_codes::used_at.is_null()),
        )
        .set(sent_codes::used_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?;
        if used == 1
            && let Some(factor_id) = target.factor_id()
        {
            diesel::update(mfa_factors::table.find(factor_id))
                .set(mfa_factors::last_used_at.eq(Some(to_db(cx.now))))
                .execute(cx.conn)?;
        }
        return Ok(used == 1);
    }
    diesel::update(sent_codes::table.find(&id))
        .set(sent_codes::failed_attempts.eq(sent_codes::failed_attempts + 1))
        .execute(cx.conn)?;
    Ok(false)
}

/// Sends a code for a confirmation to the account's factor of `kind` (SMS or WhatsApp), or
/// for WhatsApp to a proven profile number: 422 when the account has neither.
pub fn send_for_confirmation(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    method: super::SecondFactor,
) -> Result<SentCode> {
    let unavailable = || {
        Error::invalid(vec![crate::service::error::FieldError::new(
            "method",
            "not_available",
            "the account has no active factor of this kind (or it is not sent here)",
        )])
    };
    let kind = method
        .factor_type()
        .filter(|kind| kind.is_sent() && cx.env.channels.offers(*kind))
        .ok_or_else(unavailable)?;
    cx.transaction(|cx| {
        crate::service::accounts::lock(cx.conn, account_id)?;
        let destination = Destination::of(cx.conn, account_id, kind)?.ok_or_else(unavailable)?;
        send(cx, destination.target(account_id), Purpose::Confirmation)
    })
}

/// Ends the codes sent to the profile's WhatsApp number (it changed: they prove nothing of
/// the new one).
pub fn end_profile_codes(cx: &mut Context<'_>, account_id: &AccountId) -> Result<usize> {
    Ok(diesel::update(
        sent_codes::table
            .filter(sent_codes::account_id.eq(account_id.as_str()))
            .filter(sent_codes::factor_id.is_null())
            .filter(sent_codes::used_at.is_null()),
    )
    .set(sent_codes::used_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?)
}

/// Deletes codes a day after they expired (the hourly cap looks back an hour).
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(
        sent_codes::table.filter(sent_codes::expires_at.le(to_db(now - Duration::days(1)))),
    )
    .execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_numbers_are_masked() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(mask("+15550100123"), "+1•••••0123");
        assert_eq!(mask("+44"), "•••");
    }
}
