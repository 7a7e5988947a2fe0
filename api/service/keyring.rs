//! What the keyring's keys protect in the database: counting it per key, re-sealing it under
//! the active key, and forgetting what a retired key made that cannot be re-sealed.

use diesel::prelude::*;

use super::mfa::recovery_codes;
use super::mfa::{open_secret, reseal_secret};
use crate::crypto::sealing::Sealer;
use crate::db::models::{MfaFactorRow, RecoveryCodeSetRow};
use crate::db::schema::{login_events, login_throttles, mfa_factors, recovery_code_sets};
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

fn digest_pattern(key_id: &str) -> String {
    format!("{key_id}:%")
}

pub fn usage(conn: &mut DbConnection, key_id: &str) -> Result<KeyUsage> {
    use crate::db::schema::recovery_codes as codes;
    use crate::db::schema::{message_sends, sent_codes};
    let factors: i64 = mfa_factors::table
        .filter(mfa_factors::key_id.eq(key_id))
        .count()
        .get_result(conn)?;
    let sets: i64 = recovery_code_sets::table
        .filter(recovery_code_sets::key_id.eq(key_id))
        .count()
        .get_result(conn)?;
    let digests: i64 = codes::table
        .filter(codes::code_digest.like(digest_pattern(key_id)))
        .count()
        .get_result(conn)?;
    let tokens = crate::service::orgs::hardware_tokens::sealed_under(conn, key_id)?;
    let signing_keys = crate::service::signing_keys::sealed_under(conn, key_id)?;
    let messages = crate::service::outbox::sealed_under(conn, key_id)?;
    let sso = crate::service::sso::settings::sealed_under(conn, key_id)?;
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
        sealed_items: factors + sets + digests + tokens + signing_keys + messages + sso,
        expiring_items: sent + ledger,
    })
}

/// The keys that sealed what the database holds (TOTP secrets, recovery-code sets, hardware
/// tokens, token signing keys, undelivered messages, SSO client secrets), each once.
pub fn sealed_key_ids(conn: &mut DbConnection) -> Result<Vec<String>> {
    use crate::db::schema::{hardware_tokens, org_sso, outbox, signing_keys};
    let mut ids: Vec<String> = mfa_factors::table
        .select(mfa_factors::key_id)
        .distinct()
        .load(conn)?;
    ids.extend(
        recovery_code_sets::table
            .select(recovery_code_sets::key_id)
            .distinct()
            .load::<String>(conn)?,
    );
    ids.extend(
        hardware_tokens::table
            .select(hardware_tokens::key_id)
            .distinct()
            .load::<String>(conn)?,
    );
    ids.extend(
        signing_keys::table
            .select(signing_keys::key_id)
            .distinct()
            .load::<String>(conn)?,
    );
    ids.extend(
        outbox::table
            .filter(outbox::key_id.is_not_null())
            .select(outbox::key_id.assume_not_null())
            .distinct()
            .load::<String>(conn)?,
    );
    ids.extend(
        org_sso::table
            .filter(org_sso::key_id.is_not_null())
            .select(org_sso::key_id.assume_not_null())
            .distinct()
            .load::<String>(conn)?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Re-seals everything sealed or digested under an older key with the active key, one
/// account's items per transaction. Returns how many factors and sets were re-sealed.
pub fn reseal_all(conn: &mut DbConnection, sealer: &Sealer) -> Result<usize> {
    let active = sealer.active_key_id().to_string();
    let factor_ids: Vec<String> = mfa_factors::table
        .filter(mfa_factors::key_id.ne(&active))
        .select(mfa_factors::id)
        .load(conn)?;
    let mut resealed = write_transaction(conn, |conn| {
        crate::service::orgs::hardware_tokens::reseal_all(conn, sealer)
    })?;
    resealed += crate::service::signing_keys::reseal_all(conn, sealer)?;
    resealed += write_transaction(conn, |conn| {
        crate::service::outbox::reseal_all(conn, sealer)
    })?;
    resealed += write_transaction(conn, |conn| {
        crate::service::sso::settings::reseal_all(conn, sealer)
    })?;
    for factor_id in factor_ids {
        resealed += write_transaction(conn, |conn| -> Result<usize> {
            let Some(factor) = mfa_factors::table
                .find(&factor_id)
                .select(MfaFactorRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(0); // deleted meanwhile
            };
            if sealer.is_active(&factor.key_id) {
                return Ok(0); // re-sealed on use meanwhile
            }
            let secret = open_secret(sealer, &factor)?;
            reseal_secret(conn, sealer, &factor, &secret)?;
            Ok(1)
        })?;
    }
    use crate::db::schema::recovery_codes as codes;
    let mut set_ids: Vec<String> = recovery_code_sets::table
        .filter(recovery_code_sets::key_id.ne(&active))
        .select(recovery_code_sets::id)
        .load(conn)?;
    set_ids.extend(
        codes::table
            .filter(codes::code_digest.not_like(digest_pattern(&active)))
            .select(codes::set_id)
            .distinct()
            .load::<String>(conn)?,
    );
    set_ids.sort();
    set_ids.dedup();
    for set_id in set_ids {
        resealed += write_transaction(conn, |conn| -> Result<usize> {
            let Some(set) = recovery_code_sets::table
                .find(&set_id)
                .select(RecoveryCodeSetRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(0);
            };
            Ok(usize::from(recovery_codes::reseal_if_outdated(
                conn, sealer, &set,
            )?))
        })?;
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
