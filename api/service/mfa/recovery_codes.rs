//! Recovery codes: 8 per set, 10 characters of Crockford's base32 (50 bits) shown as
//! `xxxxx-xxxxx`. Stored as keyed digests for checking, plus the set sealed as a whole so the
//! owner can see the unused ones again after proving password and code.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use zeroize::Zeroizing;

use crate::crypto::sealing::{Sealed, Sealer, digest_key_id};
use crate::crypto::tokens::random_bytes;
use crate::db::models::{RecoveryCodeRow, RecoveryCodeSetRow};
use crate::db::schema::{recovery_code_sets, recovery_codes};
use crate::db::{DbConnection, from_db, to_db};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::ids::{AccountId, row_id};
use crate::service::sealed::RECOVERY_CODE_SET;
use crate::service::secret::Secret;

pub const CODES_PER_SET: usize = 8;
const CODE_CHARS: usize = 10;
/// Crockford's base32: no i, l, o or u, so nothing reads as something else.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A freshly generated set: the only time all codes are shown.
#[derive(Debug, Clone)]
pub struct RecoveryCodes {
    /// Single-use codes, `xxxxx-xxxxx`. Store them somewhere safe; they are not shown again.
    pub codes: Vec<Secret>,
    pub generated_at: DateTime<Utc>,
}

/// How many codes of the current set are left.
#[derive(Debug, Clone)]
pub struct RecoveryCodeSummary {
    pub remaining: i64,
    pub total: i64,
    pub generated_at: DateTime<Utc>,
}

pub fn generate_code() -> String {
    // 10 five-bit symbols from 50 random bits: no modulo bias.
    let bytes = random_bytes::<8>();
    let bits = u64::from_le_bytes(bytes);
    let chars: String = (0..CODE_CHARS)
        .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The canonical form of what a user typed: dashes and spaces dropped, case folded, and the
/// letters Crockford reads as digits (o → 0, i/l → 1) mapped. `None` if it cannot be a code.
pub fn normalise(input: &str) -> Option<String> {
    let canonical: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (canonical.len() == CODE_CHARS && canonical.bytes().all(|b| ALPHABET.contains(&b)))
        .then_some(canonical)
}

/// Replaces the account's recovery codes with a new set; the old set stops working at once.
/// Call inside a write transaction.
pub fn replace_set(cx: &mut Tx<'_>, account_id: &AccountId) -> Result<RecoveryCodes> {
    let (sealer, now) = (&cx.env.sealer, cx.now);
    let conn = &mut *cx.conn;
    delete_all(conn, account_id)?;
    let codes: Vec<String> = (0..CODES_PER_SET).map(|_| generate_code()).collect();
    let set_id = row_id();
    let sealed = seal_codes(sealer, &codes, &set_id)?;
    diesel::insert_into(recovery_code_sets::table)
        .values(&RecoveryCodeSetRow {
            id: set_id.clone(),
            account_id: account_id.to_string(),
            codes_ciphertext: sealed.ciphertext,
            key_id: sealed.key_id,
            created_at: to_db(now),
        })
        .execute(conn)?;
    for code in &codes {
        let canonical = normalise(code)
            .ok_or_else(|| Error::internal("a generated code does not normalise"))?;
        diesel::insert_into(recovery_codes::table)
            .values(&RecoveryCodeRow {
                id: row_id(),
                set_id: set_id.clone(),
                account_id: account_id.to_string(),
                code_digest: sealer.digest(&canonical),
                used_at: None,
            })
            .execute(conn)?;
    }
    Ok(RecoveryCodes {
        codes: codes.into_iter().map(Secret::new).collect(),
        generated_at: now,
    })
}

pub fn delete_all(conn: &mut DbConnection, account_id: &AccountId) -> Result<()> {
    let account_id = account_id.as_str();
    diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
        .execute(conn)?;
    diesel::delete(recovery_code_sets::table.filter(recovery_code_sets::account_id.eq(account_id)))
        .execute(conn)?;
    Ok(())
}

/// Marks the code used if it is one of the account's unused codes; the mark is made by the
/// same statement that accepts it, inside the caller's transaction. A set made under an older
/// key is re-sealed under the active one on the way.
pub fn use_code(cx: &mut Context<'_>, account_id: &AccountId, input: &Secret) -> Result<bool> {
    let Some(canonical) = normalise(input.expose()).map(Zeroizing::new) else {
        return Ok(false);
    };
    let (sealer, now) = (&cx.env.sealer, cx.now);
    let conn = &mut *cx.conn;
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::account_id.eq(account_id.as_str()))
            .filter(recovery_codes::code_digest.eq_any(sealer.digest_candidates(&canonical)))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(to_db(now))))
    .execute(conn)?;
    if used == 1
        && let Some(set) = current_set(conn, account_id)?
    {
        reseal_if_outdated(conn, sealer, &set)?;
    } else if used == 0 {
        log_codes_under_unknown_keys(conn, sealer, account_id)?;
    }
    Ok(used == 1)
}

/// A code looked up under every key this server holds cannot match one digested under a key
/// it does not hold: such a refusal may be of the right code, so it is logged as an error.
fn log_codes_under_unknown_keys(
    conn: &mut DbConnection,
    sealer: &Sealer,
    account_id: &AccountId,
) -> Result<()> {
    let digests: Vec<String> = recovery_codes::table
        .filter(recovery_codes::account_id.eq(account_id.as_str()))
        .filter(recovery_codes::used_at.is_null())
        .select(recovery_codes::code_digest)
        .load(conn)?;
    let mut unknown: Vec<&str> = digests
        .iter()
        .filter_map(|digest| digest_key_id(digest))
        .filter(|key_id| !sealer.knows(key_id))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        tracing::error!(
            account_id = account_id.as_str(),
            key_ids = ?unknown,
            held = ?sealer.held().all,
            "recovery codes are digested under keys this server's keyring does not hold: \
             they cannot be checked"
        );
    }
    Ok(())
}

/// Re-seals a set, and re-digests its codes, under the active key if anything of it is under
/// an older one. Returns whether it did. Call inside a write transaction.
pub fn reseal_if_outdated(
    conn: &mut DbConnection,
    sealer: &Sealer,
    set: &RecoveryCodeSetRow,
) -> Result<bool> {
    let rows: Vec<(String, String)> = recovery_codes::table
        .filter(recovery_codes::set_id.eq(&set.id))
        .select((recovery_codes::id, recovery_codes::code_digest))
        .load(conn)?;
    let active = sealer.active_key_id();
    let current = set.key_id == active
        && rows
            .iter()
            .all(|(_, digest)| digest_key_id(digest) == Some(active.as_str()));
    if current {
        return Ok(false);
    }
    let codes = open_set(sealer, set)?;
    let sealed = seal_codes(sealer, &codes, &set.id)?;
    diesel::update(recovery_code_sets::table.find(&set.id))
        .set((
            recovery_code_sets::codes_ciphertext.eq(sealed.ciphertext),
            recovery_code_sets::key_id.eq(sealed.key_id),
        ))
        .execute(conn)?;
    for (row_id, stored) in rows {
        let canonical = codes
            .iter()
            .filter_map(|code| normalise(code))
            .find(|canonical| sealer.digest_matches(&stored, canonical))
            .ok_or_else(|| Error::internal("a recovery code matches no code of its set"))?;
        diesel::update(recovery_codes::table.find(&row_id))
            .set(recovery_codes::code_digest.eq(sealer.digest(&canonical)))
            .execute(conn)?;
    }
    Ok(true)
}

fn seal_codes(sealer: &Sealer, codes: &[String], set_id: &str) -> Result<Sealed> {
    let json = Zeroizing::new(serde_json::to_string(codes).map_err(Error::internal)?);
    Ok(sealer.seal(json.as_bytes(), &RECOVERY_CODE_SET.to(set_id))?)
}

fn open_set(sealer: &Sealer, set: &RecoveryCodeSetRow) -> Result<Zeroizing<Vec<String>>> {
    let plaintext = sealer.open(
        &set.key_id,
        &set.codes_ciphertext,
        &RECOVERY_CODE_SET.to(&set.id),
    )?;
    serde_json::from_slice(&plaintext)
        .map(Zeroizing::new)
        .map_err(Error::internal)
}

pub fn current_set(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Option<RecoveryCodeSetRow>> {
    Ok(recovery_code_sets::table
        .filter(recovery_code_sets::account_id.eq(account_id.as_str()))
        .select(RecoveryCodeSetRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn summary(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Option<RecoveryCodeSummary>> {
    let Some(set) = current_set(conn, account_id)? else {
        return Ok(None);
    };
    let used: Vec<Option<chrono::NaiveDateTime>> = recovery_codes::table
        .filter(recovery_codes::set_id.eq(&set.id))
        .select(recovery_codes::used_at)
        .load(conn)?;
    Ok(Some(RecoveryCodeSummary {
        remaining: used.iter().filter(|u| u.is_none()).count() as i64,
        total: used.len() as i64,
        generated_at: from_db(set.created_at),
    }))
}

/// The unused codes of the current set, in their original order.
pub fn unused_codes(cx: &mut Context<'_>, account_id: &AccountId) -> Result<Vec<Secret>> {
    let sealer = &cx.env.sealer;
    let conn = &mut *cx.conn;
    let Some(set) = current_set(conn, account_id)? else {
        return Ok(Vec::new());
    };
    reseal_if_outdated(conn, sealer, &set)?;
    let codes = open_set(sealer, &set)?;
    let unused: Vec<String> = recovery_codes::table
        .filter(recovery_codes::set_id.eq(&set.id))
        .filter(recovery_codes::used_at.is_null())
        .select(recovery_codes::code_digest)
        .load::<String>(conn)?;
    Ok(codes
        .iter()
        .filter(|code| {
            normalise(code).is_some_and(|c| unused.iter().any(|d| sealer.digest_matches(d, &c)))
        })
        .map(|code| Secret::new(code.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_unambiguous_and_normalise_from_what_people_type() {
        let code = generate_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        let canonical = normalise(&code).unwrap();
        assert_eq!(canonical, code.replace('-', ""));
        assert_eq!(
            normalise(&code.to_uppercase()).as_deref(),
            Some(canonical.as_str())
        );
        assert_eq!(
            normalise(&format!("  {}  ", code.replace('-', " "))).as_deref(),
            Some(canonical.as_str())
        );
        assert_eq!(normalise("0O1IL-abcde").as_deref(), Some("00111abcde"));
        assert_eq!(normalise("abcde-fghu1"), None, "u is not in the alphabet");
        assert_eq!(normalise("abcd"), None);
        let distinct: std::collections::HashSet<String> =
            (0..1000).map(|_| generate_code()).collect();
        assert_eq!(distinct.len(), 1000);
    }
}
