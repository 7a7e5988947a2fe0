//! What every recovery ends (DESIGN.md §6: "a recovery ends every way in made before it that
//! the owner did not re-prove"): a password reset by email, an admin's reset of a managed
//! member's MFA, support's freeze. Each ends the sessions, the open login challenges and
//! pending enrolments, the API keys, the links to identity providers of organisations that do
//! not manage the account, and the proof of the profile's WhatsApp number (it receives login
//! codes only once proven again). Call in the recovery's transaction.

use diesel::prelude::*;
use serde_json::{Value, json};

use super::context::Tx;
use super::error::Result;
use super::ids::AccountId;
use super::mfa::{challenges, enrolment};
use super::{api_keys, sessions};
use crate::db::schema::accounts;

/// What a recovery ended, for its audit event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ended {
    pub sessions: usize,
    pub challenges: usize,
    pub pending_factors: usize,
    pub api_keys: usize,
    pub sso_links: usize,
    pub whatsapp_unproven: bool,
}

impl Ended {
    pub fn details(&self) -> Value {
        json!({
            "sessions_revoked": self.sessions,
            "challenges_ended": self.challenges,
            "pending_factors_discarded": self.pending_factors,
            "api_keys_revoked": self.api_keys,
            "sso_links_ended": self.sso_links,
            "whatsapp_unproven": self.whatsapp_unproven,
        })
    }
}

/// Ends every way into the account made before now; `reason` names the recovery in the API
/// keys' audit event (`password_reset`, `mfa_reset`, `frozen`).
pub fn end_ways_in(cx: &mut Tx<'_>, account_id: &AccountId, reason: &str) -> Result<Ended> {
    let account = super::accounts::get(cx.conn, account_id)?;
    let sso_links = super::sso::identities::end_foreign_links(cx, &account)?;
    let sessions = sessions::revoke_all_except(cx, account_id, None)?;
    let challenges = challenges::end_open(cx, account_id)?;
    let pending_factors = enrolment::discard_pending(cx, account_id)?;
    let api_keys = api_keys::revoke_all(cx, account_id, reason)?;
    super::mfa::sent_codes::end_profile_codes(cx, account_id)?;
    let whatsapp_unproven = account.whatsapp_verified_at.is_some();
    if whatsapp_unproven {
        diesel::update(accounts::table.find(account_id.as_str()))
            .set(accounts::whatsapp_verified_at.eq(None::<chrono::NaiveDateTime>))
            .execute(cx.conn)?;
    }
    Ok(Ended {
        sessions,
        challenges,
        pending_factors,
        api_keys,
        sso_links,
        whatsapp_unproven,
    })
}
