//! Enrolment tickets: what login hands out instead of a session when an organisation's
//! deadline for MFA has passed and the account has no factor. A ticket stands for the
//! verified password; it authorises only enrolment, for a short while, and is used up by the
//! activation that issues the session. Stored as a digest.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::crypto::tokens::{random_token, token_digest};
use crate::db::schema::enrollment_tickets;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{self, Account};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::history::LoginMethod;
use crate::service::ids::AccountId;
use crate::service::mfa::SecondFactor;
use crate::service::operators;
use crate::service::secret::Secret;
use crate::service::sessions::Caller;

pub const TOKEN_PREFIX: &str = "tse_";
pub const LIFETIME_MINUTES: i64 = 15;

/// What login answers when enrolment is forced.
#[derive(Debug)]
pub struct Enrollment {
    /// Send as `Authorization: Bearer` to the enrolment calls (`POST /v1/me/mfa/totp`,
    /// `POST /v1/me/mfa/factors/{id}/activate`); nothing else accepts it. Activation uses it
    /// up and answers with the session.
    pub ticket: Secret,
    pub expires_at: DateTime<Utc>,
    /// The factors this ticket may enrol, and nothing else: `totp`; `hardware_token` when
    /// one of your organisations has tokens no one holds (`GET /v1/me/mfa/hardware-tokens`
    /// lists them); `sms` and `whatsapp` when this server sends codes that way (more may be
    /// added).
    pub methods: Vec<String>,
}

/// Who is enrolling: a signed-in caller, or the holder of an enrolment ticket.
#[derive(Debug, Clone)]
pub enum Enroller {
    Session(Caller),
    Ticket {
        account: Account,
        ticket: Secret,
        /// How the login that handed out the ticket made its first step.
        first: LoginMethod,
        /// The methods the login's answer listed: the ticket opens these only.
        methods: Vec<String>,
    },
}

impl Enroller {
    pub fn account(&self) -> &Account {
        match self {
            Enroller::Session(caller) => &caller.account,
            Enroller::Ticket { account, .. } => account,
        }
    }

    pub fn account_id(&self) -> &AccountId {
        &self.account().id
    }

    /// A ticket enrols only the methods its login listed (403 `insufficient_scope`); a
    /// session enrols any.
    pub fn may_enrol(&self, method: &str) -> Result<()> {
        match self {
            Enroller::Ticket { methods, .. } if !methods.iter().any(|m| m == method) => {
                Err(Error::denied_because(
                    ErrorCode::InsufficientScope,
                    format!("This enrolment ticket opens {} only.", methods.join(", ")),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// What the account may enrol with a ticket now: an authenticator; a hardware token when one
/// of its organisations has tokens no one holds; SMS and WhatsApp when this server sends codes
/// that way.
fn enrollable(cx: &mut Context<'_>, account_id: &AccountId) -> Result<Vec<String>> {
    use crate::service::mfa::FactorType;
    let mut methods = vec![FactorType::Totp];
    if crate::service::orgs::hardware_tokens::any_free_for(cx.conn, account_id)? {
        methods.push(FactorType::HardwareToken);
    }
    for kind in [FactorType::Sms, FactorType::Whatsapp] {
        if cx.env.channels.offers(kind) {
            methods.push(kind);
        }
    }
    // Only what meets the organisations' requirements (their `allowed_methods`).
    if let Some(allowed) = crate::service::orgs::policy::enrollable_methods(cx.conn, account_id)? {
        methods.retain(|m| allowed.contains(m));
    }
    Ok(methods.into_iter().map(|m| m.name().to_string()).collect())
}

/// Issues a ticket for the account, after the login's first step (`first`). Call inside the
/// login's transaction.
pub fn issue(cx: &mut Tx<'_>, account_id: &AccountId, first: LoginMethod) -> Result<Enrollment> {
    issue_after(cx, account_id, first, None)
}

/// Issues a ticket after a login proved its first step and, with `second`, a second factor
/// that meets no requirement: the ticket then enrols one that does, though MFA is on.
pub fn issue_after(
    cx: &mut Tx<'_>,
    account_id: &AccountId,
    first: LoginMethod,
    second: Option<SecondFactor>,
) -> Result<Enrollment> {
    let ticket = Secret::new(random_token(TOKEN_PREFIX));
    let expires_at = cx.now + Duration::minutes(LIFETIME_MINUTES);
    let methods = enrollable(cx, account_id)?;
    diesel::insert_into(enrollment_tickets::table)
        .values((
            enrollment_tickets::id_digest.eq(token_digest(ticket.expose())),
            enrollment_tickets::account_id.eq(account_id.as_str()),
            enrollment_tickets::created_at.eq(to_db(cx.now)),
            enrollment_tickets::expires_at.eq(to_db(expires_at)),
            enrollment_tickets::first_factor.eq(first.name()),
            enrollment_tickets::second_factor.eq(second.map(SecondFactor::name)),
            enrollment_tickets::methods
                .eq(serde_json::to_string(&methods).map_err(Error::internal)?),
        ))
        .execute(cx.conn)?;
    Ok(Enrollment {
        ticket,
        expires_at,
        methods,
    })
}

pub fn is_ticket(token: &Secret) -> bool {
    token.expose().starts_with(TOKEN_PREFIX)
}

/// The enroller a ticket stands for: 401 `unauthenticated` when it is unknown, used up or
/// expired, or when what made it is gone: the password changed since (a recovery ends every
/// way in made before it), the account has an active factor already (a ticket enrols the
/// first one, never a second), or — for a password login's ticket — no organisation's
/// deadline has passed any more (the requirement was lifted, the member left, or an MFA
/// reset restarted the clock).
pub fn redeem(cx: &mut Context<'_>, ticket: Secret) -> Result<Enroller> {
    type TicketRow = (
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        String,
        String,
        Option<String>,
    );
    let row: Option<TicketRow> = enrollment_tickets::table
        .find(token_digest(ticket.expose()))
        .select((
            enrollment_tickets::account_id,
            enrollment_tickets::created_at,
            enrollment_tickets::expires_at,
            enrollment_tickets::consumed_at,
            enrollment_tickets::first_factor,
            enrollment_tickets::methods,
            enrollment_tickets::second_factor,
        ))
        .first(cx.conn)
        .optional()?;
    let dead = || Error::denied(ErrorCode::Unauthenticated);
    let Some((account_id, created_at, expires_at, None, first, methods, second)) = row else {
        return Err(dead());
    };
    if from_db(expires_at) <= cx.now {
        return Err(dead());
    }
    let account_id = AccountId::from(account_id);
    let account = accounts::get(cx.conn, &account_id)?;
    operators::refuse_if_frozen(&account)?;
    if created_at < account.password_changed_at {
        return Err(dead());
    }
    // A ticket from a login that proved only its first step enrols the first factor, never a
    // second one; a ticket from one that proved a factor no organisation accepts enrols one
    // an organisation does, while it has none.
    if super::is_on(cx.conn, &account_id)? && second.is_none() {
        return Err(dead());
    }
    let first = LoginMethod::parse(&first);
    // An SSO sign-in's ticket comes from its organisation's `mfa: both`, not from a deadline.
    if first == LoginMethod::Password || second.is_some() {
        let deadline = crate::service::orgs::policy::enrollment_deadline(cx.conn, &account_id)?;
        if deadline.is_none_or(|deadline| deadline > cx.now) {
            return Err(dead());
        }
    }
    Ok(Enroller::Ticket {
        account: account.into(),
        ticket,
        first,
        methods: serde_json::from_str(&methods).unwrap_or_else(|_| vec!["totp".into()]),
    })
}

/// Uses the ticket up (the activation it allowed is done); false when it already was.
pub fn consume(cx: &mut Context<'_>, ticket: &Secret) -> Result<bool> {
    let used = diesel::update(
        enrollment_tickets::table
            .find(token_digest(ticket.expose()))
            .filter(enrollment_tickets::consumed_at.is_null()),
    )
    .set(enrollment_tickets::consumed_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?;
    Ok(used == 1)
}

/// Deletes tickets that expired more than a day ago.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    use crate::service::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - Duration::days(1));
    in_batches(|| {
        let batch: Vec<String> = enrollment_tickets::table
            .filter(enrollment_tickets::expires_at.lt(cutoff))
            .select(enrollment_tickets::id_digest)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(diesel::delete(
            enrollment_tickets::table.filter(enrollment_tickets::id_digest.eq_any(&batch)),
        )
        .execute(conn)?)
    })
}
