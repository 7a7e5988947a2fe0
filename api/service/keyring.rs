//! What the keyring's keys protect in the database: counting it per key, re-sealing it under
//! the active key, and forgetting what a retired key made that cannot be re-sealed.

use diesel::prelude::*;

use super::sealed::{STORES, digest_pattern};
use crate::crypto::sealing::Sealer;
use crate::db::schema::{login_events, login_throttles};
use crate::db::{DbConnection, write_transaction};
use crate::service::error::Result;

/// How many stored items one key still protects: sealed TOTP secrets, sealed recovery-code
/// sets, recovery-code digests, hardware-token secrets, token signing keys, undelivered
/// messages and SSO client secrets (`sealed_items`, which a reseal moves to the active key);
/// and keyed digests nothing can re-make, of codes sent and of the messaging ledger
/// (`expiring_items`, which only time ends: the hourly clean-up deletes them within two days.
/// Retiring the key earlier would refuse codes on their way and give numbers their budget
/// back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUsage {
    pub key_id: String,
    pub sealed_items: i64,
    pub expiring_items: i64,
}

impl KeyUsage {
    /// Whether the database still needs the key at all: what `keys retire` waits for, and
    /// what a running server checks before it takes a keyring that drops the key.
    pub fn in_use(&self) -> bool {
        self.sealed_items + self.expiring_items > 0
    }
}

pub fn usage(conn: &mut DbConnection, key_id: &str) -> Result<KeyUsage> {
    use crate::db::schema::{message_sends, sent_codes};
    let mut sealed_items = 0;
    for store in STORES {
        sealed_items += store.count_under(conn, key_id)?;
    }
    let sent: i64 = sent_codes::table
        .filter(sent_codes::code_digest.like(digest_pattern(key_id)))
        .count()
        .get_result(conn)?;
    let ledger: i64 = message_sends::table
        .filter(message_sends::destination_digest.like(digest_pattern(key_id)))
        .count()
        .get_result(conn)?;
    Ok(KeyUsage {
        key_id: key_id.to_string(),
        sealed_items,
        expiring_items: sent + ledger,
    })
}

/// The keys that sealed what the database holds, each once.
pub fn sealed_key_ids(conn: &mut DbConnection) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for store in STORES {
        ids.extend(store.key_ids(conn)?);
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Re-seals everything sealed or digested under an older key with the active key. Returns
/// how many values moved.
pub fn reseal_all(conn: &mut DbConnection, sealer: &Sealer) -> Result<usize> {
    let mut resealed = 0;
    for store in STORES {
        resealed += store.reseal(conn, sealer)?;
    }
    Ok(resealed)
}

/// After `key_id` left the keyring: what it made and nobody can re-seal is dropped, so no row
/// names it. Lockout counters of unknown emails keyed under it are deleted (no attempt can
/// reach them any more), login-history entries of unknown emails lose their digest, and email
/// verification codes digested under it can no longer be checked (their links still work).
pub fn forget(conn: &mut DbConnection, key_id: &str) -> Result<()> {
    write_transaction(conn, |conn| -> Result<()> {
        diesel::delete(
            login_throttles::table.filter(login_throttles::subject.like(format!("%?{key_id}:%"))),
        )
        .execute(conn)?;
        diesel::update(
            login_events::table
                .filter(login_events::email.like(format!("digest:{}", digest_pattern(key_id)))),
        )
        .set(login_events::email.eq("digest:retired"))
        .execute(conn)?;
        // Sign-ins under way whose verifier it sealed cannot finish: they start again.
        use crate::db::schema::sso_flows;
        diesel::delete(sso_flows::table.filter(sso_flows::key_id.eq(key_id))).execute(conn)?;
        use crate::db::schema::email_verifications as verifications;
        diesel::update(
            verifications::table.filter(verifications::code_digest.like(digest_pattern(key_id))),
        )
        .set(verifications::code_digest.eq("retired"))
        .execute(conn)?;
        Ok(())
    })
}
