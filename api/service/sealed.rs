//! Every place the database holds values sealed under a keyring key, in one registry: what
//! `keys list` and `keys retire` count, what a start checks the keyring for, and what
//! `keys reseal` moves to the active key.
//!
//! A sealed value is bound to its row: the AEAD's associated data names the kind of row and
//! its id ([`Binding`]), so a ciphertext copied into another row does not open.

use diesel::prelude::*;

use super::error::Result;
use super::mfa::recovery_codes;
use crate::crypto::sealing::Sealer;
use crate::db::models::RecoveryCodeSetRow;
use crate::db::schema::{
    hardware_tokens, mfa_factors, org_sso, outbox, recovery_code_sets, recovery_codes as codes,
    signing_keys,
};
use crate::db::{DbConnection, write_transaction};

/// What a sealed value is bound to: a kind of row, named in the associated data with the
/// row's id. The names are stored meaning: changing one makes every value of its kind
/// unreadable.
pub struct Binding(&'static str);

impl Binding {
    /// The associated data for the row `id`.
    pub fn to(&self, id: &str) -> String {
        format!("{}:{id}", self.0)
    }
}

/// An MFA factor's secret (a TOTP seed, or a phone number for sent codes).
pub const MFA_FACTOR: Binding = Binding("mfa_factor");
/// An organisation's hardware token's seed.
pub const HARDWARE_TOKEN: Binding = Binding("hardware_token");
/// An account's recovery codes, as shown once more on request.
pub const RECOVERY_CODE_SET: Binding = Binding("recovery_code_set");
/// A JWT signing key's private half.
pub const SIGNING_KEY: Binding = Binding("signing_key");
/// An undelivered message's payload.
pub const OUTBOX: Binding = Binding("outbox");
/// An organisation's SSO client secret.
pub const ORG_SSO: Binding = Binding("org_sso");
/// A sign-in under way's PKCE verifier, by the digest of its `state`. Not in [`STORES`]: it
/// lives ten minutes, and retiring its key drops the flow (`keyring::forget`).
pub const SSO_FLOW: Binding = Binding("sso_flow");

/// A table that holds values sealed under keyring keys.
pub trait SealedStore: Sync {
    /// The keys its values are sealed under, each once.
    fn key_ids(&self, conn: &mut DbConnection) -> Result<Vec<String>>;
    /// How many of its values `key_id` protects.
    fn count_under(&self, conn: &mut DbConnection, key_id: &str) -> Result<i64>;
    /// Re-seals what older keys sealed under the active key; returns how many values moved.
    fn reseal(&self, conn: &mut DbConnection, sealer: &Sealer) -> Result<usize>;
}

/// Every store of sealed values.
pub const STORES: &[&dyn SealedStore] = &[
    &MfaFactors,
    &RecoveryCodeSets,
    &HardwareTokens,
    &SigningKeys,
    &Outbox,
    &SsoSecrets,
];

/// A table with one sealed column, its key column and the id its values are bound to. The
/// `as` expressions select the columns as text (the outbox's are nullable: a sent message
/// keeps no payload).
macro_rules! sealed_column {
    ($store:ident, $binding:expr, $table:ident {
        id: $id:ident,
        key: $key:ident as $key_text:expr,
        ciphertext: $ciphertext:ident as $ciphertext_text:expr $(,)?
    }) => {
        struct $store;

        impl SealedStore for $store {
            fn key_ids(&self, conn: &mut DbConnection) -> Result<Vec<String>> {
                Ok($table::table
                    .filter($table::$key.is_not_null())
                    .select($key_text)
                    .distinct()
                    .load(conn)?)
            }

            fn count_under(&self, conn: &mut DbConnection, key_id: &str) -> Result<i64> {
                Ok($table::table
                    .filter($table::$key.eq(key_id))
                    .count()
                    .get_result(conn)?)
            }

            fn reseal(&self, conn: &mut DbConnection, sealer: &Sealer) -> Result<usize> {
                let outdated: Vec<(String, String, String)> = $table::table
                    .filter($table::$key.ne(sealer.active_key_id()))
                    .select(($table::$id, $key_text, $ciphertext_text))
                    .load(conn)?;
                let mut resealed = 0;
                for (id, key_id, ciphertext) in outdated {
                    let bound_to = $binding.to(&id);
                    let plaintext = sealer.open(&key_id, &ciphertext, &bound_to)?;
                    let sealed = sealer.seal(&plaintext, &bound_to)?;
                    // Only over the value opened: one changed or re-sealed on use meanwhile
                    // stays as it is.
                    resealed += diesel::update(
                        $table::table
                            .filter($table::$id.eq(&id))
                            .filter($table::$key.eq(&key_id))
                            .filter($table::$ciphertext.eq(&ciphertext)),
                    )
                    .set((
                        $table::$ciphertext.eq(sealed.ciphertext),
                        $table::$key.eq(sealed.key_id),
                    ))
                    .execute(conn)?;
                }
                Ok(resealed)
            }
        }
    };
}

sealed_column!(
    MfaFactors,
    MFA_FACTOR,
    mfa_factors {
        id: id,
        key: key_id as mfa_factors::key_id,
        ciphertext: secret_ciphertext as mfa_factors::secret_ciphertext,
    }
);
sealed_column!(
    HardwareTokens,
    HARDWARE_TOKEN,
    hardware_tokens {
        id: id,
        key: key_id as hardware_tokens::key_id,
        ciphertext: secret_ciphertext as hardware_tokens::secret_ciphertext,
    }
);
sealed_column!(
    SigningKeys,
    SIGNING_KEY,
    signing_keys {
        id: kid,
        key: key_id as signing_keys::key_id,
        ciphertext: private_key_ciphertext as signing_keys::private_key_ciphertext,
    }
);
sealed_column!(Outbox, OUTBOX, outbox {
    id: id,
    key: key_id as outbox::key_id.assume_not_null(),
    ciphertext: payload_ciphertext as outbox::payload_ciphertext.assume_not_null(),
});
sealed_column!(
    SsoSecrets,
    ORG_SSO,
    org_sso {
        id: org_id,
        key: key_id as org_sso::key_id,
        ciphertext: client_secret_ciphertext as org_sso::client_secret_ciphertext,
    }
);

/// Recovery codes: each account's set, sealed, and its codes, digested under the same key.
/// A set moves with its digests, one set per transaction.
struct RecoveryCodeSets;

/// What a keyed digest made under `key_id` looks like (`LIKE`): `key_id:digest`.
pub fn digest_pattern(key_id: &str) -> String {
    format!("{key_id}:%")
}

impl SealedStore for RecoveryCodeSets {
    fn key_ids(&self, conn: &mut DbConnection) -> Result<Vec<String>> {
        Ok(recovery_code_sets::table
            .select(recovery_code_sets::key_id)
            .distinct()
            .load(conn)?)
    }

    fn count_under(&self, conn: &mut DbConnection, key_id: &str) -> Result<i64> {
        let sets: i64 = recovery_code_sets::table
            .filter(recovery_code_sets::key_id.eq(key_id))
            .count()
            .get_result(conn)?;
        let digests: i64 = codes::table
            .filter(codes::code_digest.like(digest_pattern(key_id)))
            .count()
            .get_result(conn)?;
        Ok(sets + digests)
    }

    fn reseal(&self, conn: &mut DbConnection, sealer: &Sealer) -> Result<usize> {
        let active = sealer.active_key_id().to_string();
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
        let mut resealed = 0;
        for set_id in set_ids {
            resealed += write_transaction(conn, |conn| -> Result<usize> {
                let Some(set) = recovery_code_sets::table
                    .find(&set_id)
                    .select(RecoveryCodeSetRow::as_select())
                    .first(conn)
                    .optional()?
                else {
                    return Ok(0); // replaced meanwhile
                };
                Ok(usize::from(recovery_codes::reseal_if_outdated(
                    conn, sealer, &set,
                )?))
            })?;
        }
        Ok(resealed)
    }
}
