//! Hardware TOTP tokens an organisation registers (one by one, or a CSV of them, all or
//! nothing) and its members bind as their second factor by proving a code. A token's secret
//! is sealed under the server key and never leaves the server again.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use super::{admin, not_found};
use crate::crypto::totp::{Algorithm, TotpParams};
use crate::db::models::{HardwareTokenRow, MfaFactorRow};
use crate::db::schema::{accounts, hardware_tokens, mfa_factors};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::audit::{self, AuditAction};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, FieldError, Result};
use crate::service::ids::{AccountId, OrgId, row_id};
use crate::service::pagination::{Cursor, Page, PageRequest, page_from};
use crate::service::sealed::{HARDWARE_TOKEN, MFA_FACTOR};
use crate::service::secret::Secret;
use crate::service::sessions::Caller;

/// A token as it is registered: everything but where it is assigned.
#[derive(Debug, Clone, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub serial: String,
    pub model: String,
    pub period: i64,
    pub digits: i64,
    pub algorithm: String,
    pub secret: Secret,
}

/// A registered token, as the organisation's admins see it. Never its secret.
#[derive(Debug, Clone)]
pub struct HardwareToken {
    pub id: String,
    pub name: String,
    pub serial: String,
    pub model: String,
    /// Seconds per code.
    pub period: i32,
    pub digits: i32,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    pub created_at: DateTime<Utc>,
    /// The member who holds it, if any.
    pub assigned_to: Option<Holder>,
}

/// Who holds a token.
#[derive(Debug, Clone)]
pub struct Holder {
    pub account_id: AccountId,
    pub email: String,
    pub assigned_at: DateTime<Utc>,
}

/// A token's secret as an administrator may write it: hex (`hex:` optional) or base32
/// (`base32:` optional, no padding needed, any case). Unprefixed, an even-length string of hex
/// digits is taken as hex. At least 128 bits (RFC 4226).
fn decode_secret(text: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let text = text.trim();
    let hex_digits =
        |t: &str| t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit());
    let from_hex = |t: &str| {
        (0..t.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()
    };
    let from_base32 = |t: &str| {
        let cleaned: String = t
            .trim_end_matches('=')
            .replace(' ', "")
            .to_ascii_uppercase();
        base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &cleaned)
    };
    let bytes = if let Some(hex) = text.strip_prefix("hex:") {
        hex_digits(hex).then(|| from_hex(hex)).flatten()
    } else if let Some(b32) = text.strip_prefix("base32:") {
        from_base32(b32)
    } else if hex_digits(text) {
        from_hex(text)
    } else {
        from_base32(text)
    };
    bytes
        .filter(|b| b.len() >= 16 && b.len() <= 64)
        .map(zeroize::Zeroizing::new)
}

fn printable(text: &str, max: usize) -> bool {
    text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// Every problem with a token, each naming its field.
fn problems(token: &NewToken) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if token.name.trim().is_empty() || !printable(&token.name, 100) {
        errors.push(FieldError::new(
            "name",
            "invalid",
            "must be 1 to 100 characters without control characters",
        ));
    }
    if token.serial.trim().is_empty() || !printable(&token.serial, 64) {
        errors.push(FieldError::new(
            "serial",
            "invalid",
            "must be 1 to 64 characters without control characters",
        ));
    }
    if !printable(&token.model, 100) {
        errors.push(FieldError::new(
            "model",
            "invalid",
            "must be at most 100 characters without control characters",
        ));
    }
    if !(10..=300).contains(&token.period) {
        errors.push(FieldError::new(
            "period",
            "out_of_range",
            "must be 10 to 300 seconds",
        ));
    }
    if !(6..=8).contains(&token.digits) {
        errors.push(FieldError::new(
            "digits",
            "out_of_range",
            "must be 6, 7 or 8",
        ));
    }
    if Algorithm::parse(&token.algorithm).is_none() {
        errors.push(FieldError::new(
            "algorithm",
            "invalid",
            "must be SHA1, SHA256 or SHA512",
        ));
    }
    if decode_secret(token.secret.expose()).is_none() {
        errors.push(FieldError::new(
            "secret",
            "invalid",
            "must be hex or base32, 128 to 512 bits",
        ));
    }
    errors
}

fn row_for(cx: &Context<'_>, org_id: &OrgId, token: &NewToken) -> Result<HardwareTokenRow> {
    let id = row_id();
    let secret = decode_secret(token.secret.expose())
        .ok_or_else(|| Error::internal("a checked secret decodes"))?;
    let sealed = cx.env.sealer.seal(&secret, &HARDWARE_TOKEN.to(&id))?;
    Ok(HardwareTokenRow {
        id,
        org_id: org_id.to_string(),
        name: token.name.trim().to_string(),
        serial: token.serial.trim().to_string(),
        model: token.model.trim().to_string(),
        period: token.period as i32,
        digits: token.digits as i32,
        algorithm: Algorithm::parse(&token.algorithm)
            .unwrap_or_default()
            .name()
            .to_string(),
        secret_ciphertext: sealed.ciphertext,
        key_id: sealed.key_id,
        created_at: to_db(cx.now),
        assigned_account_id: None,
        assigned_at: None,
    })
}

fn serial_taken_error() -> Error {
    Error::denied_because(
        ErrorCode::SerialTaken,
        "The organisation already has a token with this serial.",
    )
}

/// Inserts the rows; a serial that a concurrent registration took first is 409
/// `serial_taken` (the unique index decides), never a server error.
fn insert(conn: &mut DbConnection, rows: &[HardwareTokenRow]) -> Result<()> {
    for row in rows {
        diesel::insert_into(hardware_tokens::table)
            .values(row)
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => serial_taken_error(),
                other => other.into(),
            })?;
    }
    Ok(())
}

/// Refuses (409 `limit_reached`) what would take the organisation past its token limit.
fn within_limit(cx: &mut Context<'_>, org_id: &OrgId, adding: usize) -> Result<()> {
    let registered: i64 = hardware_tokens::table
        .filter(hardware_tokens::org_id.eq(org_id.as_str()))
        .count()
        .get_result(cx.conn)?;
    let max = cx.env.limits.max_hardware_tokens;
    if registered.saturating_add(adding as i64) > max {
        return Err(Error::denied_because(
            ErrorCode::LimitReached,
            format!(
                "An organisation may register at most {max} hardware tokens; it has {registered}."
            ),
        ));
    }
    Ok(())
}

/// At most this many problems are listed for one import; a last entry counts the rest.
const MAX_LISTED_PROBLEMS: usize = 100;

fn serial_taken(conn: &mut DbConnection, org_id: &OrgId, serial: &str) -> Result<bool> {
    let count: i64 = hardware_tokens::table
        .filter(hardware_tokens::org_id.eq(org_id.as_str()))
        .filter(hardware_tokens::serial.eq(serial.trim()))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

fn view(row: HardwareTokenRow, holder_email: Option<String>) -> HardwareToken {
    let assigned_to = match (row.assigned_account_id, row.assigned_at, holder_email) {
        (Some(account_id), Some(at), Some(email)) => Some(Holder {
            account_id: AccountId::from(account_id),
            email,
            assigned_at: from_db(at),
        }),
        _ => None,
    };
    HardwareToken {
        id: row.id,
        name: row.name,
        serial: row.serial,
        model: row.model,
        period: row.period,
        digits: row.digits,
        algorithm: row.algorithm,
        created_at: from_db(row.created_at),
        assigned_to,
    }
}

/// Registers one token (owners and admins).
pub fn register(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    token: NewToken,
) -> Result<HardwareToken> {
    let errors = problems(&token);
    if !errors.is_empty() {
        return Err(Error::invalid(errors));
    }
    cx.transaction(|cx| {
        admin(cx, org_id, caller)?;
        super::lock(cx.conn, org_id)?;
        if serial_taken(cx.conn, org_id, &token.serial)? {
            return Err(serial_taken_error());
        }
        within_limit(cx, org_id, 1)?;
        let row = row_for(cx, org_id, &token)?;
        insert(cx.conn, std::slice::from_ref(&row))?;
        let me = caller.account_id();
        let details = serde_json::json!({"serial": row.serial, "token_id": row.id});
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::HardwareTokenRegistered,
            Some(details),
        )?;
        Ok(view(row, None))
    })
}

/// The columns of an import, in this order, as its header row.
pub const CSV_HEADER: [&str; 7] = [
    "name",
    "serial",
    "model",
    "period",
    "digits",
    "algorithm",
    "secret",
];

/// Imports tokens from CSV (owners and admins): every row is checked — fields, duplicate
/// serials within the file and against the organisation — and either all are imported or
/// none, with the problems reported by line (the first 100, then a count of the rest). An
/// organisation imports at most 20 times an hour (429 `rate_limited`) and holds at most
/// `max_hardware_tokens` (409 `limit_reached`).
pub fn import(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId, csv: &[u8]) -> Result<usize> {
    admin(cx, org_id, caller)?;
    crate::service::rate_limit::take_for(
        cx,
        crate::service::rate_limit::Kind::TokenImport,
        org_id.as_str(),
    )?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv);
    let header_ok = reader
        .headers()
        .map(|h| {
            h.iter()
                .map(str::to_ascii_lowercase)
                .eq(CSV_HEADER.iter().map(|c| c.to_string()))
        })
        .unwrap_or(false);
    if !header_ok {
        return Err(Error::invalid(vec![FieldError::new(
            "line 1",
            "invalid_header",
            format!("the header row must be {}", CSV_HEADER.join(",")),
        )]));
    }
    // The organisation's serials, read once for the whole file.
    let registered: std::collections::HashSet<String> = hardware_tokens::table
        .filter(hardware_tokens::org_id.eq(org_id.as_str()))
        .select(hardware_tokens::serial)
        .load::<String>(cx.conn)?
        .into_iter()
        .collect();
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut serials = std::collections::HashMap::new();
    for (index, record) in reader.deserialize::<NewToken>().enumerate() {
        let line = index + 2;
        let token = match record {
            Ok(token) => token,
            Err(e) => {
                errors.push(FieldError::new(
                    &format!("line {line}"),
                    "unreadable",
                    e.to_string(),
                ));
                continue;
            }
        };
        for problem in problems(&token) {
            errors.push(FieldError::new(
                &format!("line {line}: {}", problem.field),
                &problem.code,
                problem.message,
            ));
        }
        let serial = token.serial.trim().to_string();
        if let Some(first) = serials.insert(serial.clone(), line) {
            errors.push(FieldError::new(
                &format!("line {line}: serial"),
                "duplicate",
                format!("serial {serial} is also on line {first}"),
            ));
        } else if registered.contains(&serial) {
            errors.push(FieldError::new(
                &format!("line {line}: serial"),
                "taken",
                format!("the organisation already has a token with serial {serial}"),
            ));
        }
        tokens.push(token);
    }
    if tokens.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "line 2",
            "missing",
            "the file holds no tokens",
        ));
    }
    if errors.len() > MAX_LISTED_PROBLEMS {
        let more = errors.len() - MAX_LISTED_PROBLEMS;
        errors.truncate(MAX_LISTED_PROBLEMS);
        errors.push(FieldError::new(
            "file",
            "more_problems",
            format!("{more} more problems not listed; fix these and import again"),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::invalid(errors));
    }
    cx.transaction(|cx| {
        super::lock(cx.conn, org_id)?;
        within_limit(cx, org_id, tokens.len())?;
        let rows = tokens
            .iter()
            .map(|token| row_for(cx, org_id, token))
            .collect::<Result<Vec<_>>>()?;
        insert(cx.conn, &rows)?;
        let me = caller.account_id();
        let details = serde_json::json!({"imported": tokens.len()});
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::HardwareTokensImported,
            Some(details),
        )?;
        Ok(tokens.len())
    })
}

/// The organisation's tokens, newest first, with who holds each (owners and admins).
pub fn list(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    page: &PageRequest,
) -> Result<Page<HardwareToken>> {
    admin(cx, org_id, caller)?;
    let rows = crate::keyset_page!(
        hardware_tokens::table
            .left_join(accounts::table)
            .filter(hardware_tokens::org_id.eq(org_id.as_str()))
            .select((HardwareTokenRow::as_select(), accounts::email.nullable())),
        hardware_tokens::created_at,
        hardware_tokens::id,
        page
    )
    .load::<(HardwareTokenRow, Option<String>)>(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |(t, _)| Cursor::new(t.created_at, &t.id),
        |(t, email)| view(t, email),
    ))
}

/// A token no one holds yet, as a member choosing one to bind sees it: never its secret.
#[derive(Debug, Clone)]
pub struct FreeToken {
    pub id: String,
    pub org_id: OrgId,
    /// The organisation's name.
    pub org_name: String,
    pub name: String,
    pub serial: String,
    pub model: String,
}

/// Whether one of the account's organisations has a token no one holds (a ticket then opens
/// `hardware_token`).
pub fn any_free_for(conn: &mut DbConnection, account_id: &AccountId) -> Result<bool> {
    use crate::db::schema::org_members;
    let found: Option<String> = hardware_tokens::table
        .filter(hardware_tokens::assigned_account_id.is_null())
        .filter(
            hardware_tokens::org_id.eq_any(
                org_members::table
                    .filter(org_members::account_id.eq(account_id.as_str()))
                    .select(org_members::org_id),
            ),
        )
        .select(hardware_tokens::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The tokens the account may choose from to bind (with a session or an enrolment ticket),
/// newest first: Flowfinity's "select from the tokens the administrator registered".
pub fn free_to_bind(
    cx: &mut Context<'_>,
    account_id: &AccountId,
    page: &PageRequest,
) -> Result<Page<FreeToken>> {
    use crate::db::schema::{org_members, orgs};
    let rows = crate::keyset_page!(
        hardware_tokens::table
            .filter(hardware_tokens::assigned_account_id.is_null())
            .filter(
                hardware_tokens::org_id.eq_any(
                    org_members::table
                        .filter(org_members::account_id.eq(account_id.as_str()))
                        .select(org_members::org_id),
                ),
            )
            .select(HardwareTokenRow::as_select()),
        hardware_tokens::created_at,
        hardware_tokens::id,
        page
    )
    .load::<HardwareTokenRow>(cx.conn)?;
    let mut org_ids: Vec<String> = rows.iter().map(|t| t.org_id.clone()).collect();
    org_ids.sort();
    org_ids.dedup();
    let names: std::collections::HashMap<String, String> = orgs::table
        .filter(orgs::id.eq_any(&org_ids))
        .select((orgs::id, orgs::name))
        .load::<(String, String)>(cx.conn)?
        .into_iter()
        .collect();
    Ok(page_from(
        rows,
        page.limit,
        |t| Cursor::new(t.created_at, &t.id),
        |t| FreeToken {
            org_name: names.get(&t.org_id).cloned().unwrap_or_default(),
            org_id: OrgId::from(t.org_id),
            id: t.id,
            name: t.name,
            serial: t.serial,
            model: t.model,
        },
    ))
}

fn token_in(conn: &mut DbConnection, org_id: &OrgId, token_id: &str) -> Result<HardwareTokenRow> {
    hardware_tokens::table
        .find(token_id)
        .filter(hardware_tokens::org_id.eq(org_id.as_str()))
        .select(HardwareTokenRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Removes a token (owners and admins). An assigned one is refused (409 `token_assigned`)
/// unless `force`, which also removes the holder's factor: only for a holder the organisation
/// manages (409 `account_not_managed` for a personal one, who removes the factor themselves),
/// and only an owner removes an owner's or an admin's.
pub fn remove(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    token_id: &str,
    force: bool,
) -> Result<()> {
    cx.transaction(|cx| {
        let actor = admin(cx, org_id, caller)?;
        let token = token_in(cx.conn, org_id, token_id)?;
        if let Some(holder) = &token.assigned_account_id {
            if !force {
                return Err(Error::denied_because(
                    ErrorCode::TokenAssigned,
                    "A member holds this token: pass `force=true` to remove it and their factor.",
                ));
            }
            let holder = AccountId::from(holder.clone());
            super::must_manage(cx.conn, org_id, &holder)?;
            if let Some(role) = super::role_of(cx.conn, org_id, &holder)? {
                super::may_act_on(actor, role)?;
            }
        }
        diesel::delete(mfa_factors::table.filter(mfa_factors::hardware_token_id.eq(&token.id)))
            .execute(cx.conn)?;
        diesel::delete(hardware_tokens::table.find(&token.id)).execute(cx.conn)?;
        let me = caller.account_id();
        let details = serde_json::json!({
            "serial": token.serial,
            "token_id": token.id,
            "holder": token.assigned_account_id,
        });
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::HardwareTokenRemoved,
            Some(details),
        )
    })
}

/// The token with this serial in the organisation, for a member to bind: its parameters and
/// secret, if it is free (or already theirs).
pub fn for_binding(
    cx: &mut Context<'_>,
    org_id: &OrgId,
    account_id: &AccountId,
    serial: &str,
) -> Result<(HardwareTokenRow, TotpParams, zeroize::Zeroizing<Vec<u8>>)> {
    super::role_of(cx.conn, org_id, account_id)?.ok_or_else(not_found)?;
    let token: HardwareTokenRow = hardware_tokens::table
        .filter(hardware_tokens::org_id.eq(org_id.as_str()))
        .filter(hardware_tokens::serial.eq(serial.trim()))
        .select(HardwareTokenRow::as_select())
        .first(cx.conn)
        .optional()?
        .ok_or_else(not_found)?;
    if token
        .assigned_account_id
        .as_deref()
        .is_some_and(|holder| holder != account_id.as_str())
    {
        return Err(Error::denied_because(
            ErrorCode::TokenAssigned,
            "Another member holds this token.",
        ));
    }
    let secret = cx.env.sealer.open(
        &token.key_id,
        &token.secret_ciphertext,
        &HARDWARE_TOKEN.to(&token.id),
    )?;
    let params = TotpParams {
        digits: token.digits as u32,
        period: token.period as u64,
        algorithm: Algorithm::parse(&token.algorithm).unwrap_or_default(),
    };
    Ok((token, params, secret))
}

/// Marks the token held by the account (inside the binding's transaction).
pub fn assign(cx: &mut Tx<'_>, token: &HardwareTokenRow, account_id: &AccountId) -> Result<()> {
    diesel::update(hardware_tokens::table.find(&token.id))
        .set((
            hardware_tokens::assigned_account_id.eq(Some(account_id.as_str())),
            hardware_tokens::assigned_at.eq(Some(to_db(cx.now))),
        ))
        .execute(cx.conn)?;
    let org_id = OrgId::from(token.org_id.clone());
    let details = serde_json::json!({"serial": token.serial, "token_id": token.id});
    audit::record_in_org(
        cx,
        &org_id,
        account_id,
        account_id,
        AuditAction::HardwareTokenAssigned,
        Some(details),
    )
}

/// Frees every token the account holds (its factors are gone: MFA disabled or reset).
/// Frees one token (its member removed the factor bound from it).
pub fn release(conn: &mut DbConnection, token_id: &str) -> Result<usize> {
    Ok(diesel::update(hardware_tokens::table.find(token_id))
        .set((
            hardware_tokens::assigned_account_id.eq(None::<String>),
            hardware_tokens::assigned_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?)
}

pub fn release_all(conn: &mut DbConnection, account_id: &AccountId) -> Result<usize> {
    Ok(diesel::update(
        hardware_tokens::table.filter(hardware_tokens::assigned_account_id.eq(account_id.as_str())),
    )
    .set((
        hardware_tokens::assigned_account_id.eq(None::<String>),
        hardware_tokens::assigned_at.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// The factor row binding makes: a copy of the token's secret, sealed for the factor.
pub fn factor_row(
    cx: &Context<'_>,
    token: &HardwareTokenRow,
    account_id: &AccountId,
    factor_id: &str,
    secret: &[u8],
    params: TotpParams,
) -> Result<MfaFactorRow> {
    let sealed = cx.env.sealer.seal(secret, &MFA_FACTOR.to(factor_id))?;
    Ok(MfaFactorRow {
        id: factor_id.to_string(),
        account_id: account_id.to_string(),
        kind: crate::service::mfa::FactorType::HardwareToken.name().into(),
        status: crate::service::mfa::FactorState::Pending.name().into(),
        secret_ciphertext: sealed.ciphertext,
        key_id: sealed.key_id,
        digits: params.digits as i32,
        period: params.period as i32,
        last_used_step: None,
        created_at: to_db(cx.now),
        expires_at: None,
        activated_at: None,
        last_used_at: None,
        failed_attempts: 0,
        algorithm: params.algorithm.name().into(),
        hardware_token_id: Some(token.id.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::decode_secret;

    #[test]
    fn secrets_are_read_as_hex_or_base32() {
        let hex = "3132333435363738393031323334353637383930";
        assert_eq!(
            decode_secret(hex).unwrap().as_slice(),
            b"12345678901234567890"
        );
        assert_eq!(
            decode_secret(&format!("hex:{hex}")).unwrap().as_slice(),
            b"12345678901234567890"
        );
        let b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(
            decode_secret(b32).unwrap().as_slice(),
            b"12345678901234567890"
        );
        assert_eq!(
            decode_secret(&b32.to_lowercase()).unwrap().as_slice(),
            b"12345678901234567890"
        );
        assert!(decode_secret("abcd").is_none(), "too short");
        assert!(decode_secret("not a secret!").is_none());
    }
}
