//! An organisation's domains. Owners and admins claim a domain; the organisation proves it
//! holds it with a DNS TXT record (`_tessera-challenge.<domain>` =
//! `tessera-domain-verification=<random>`), or an operator vouches for it
//! (`tessera admin verify-domain`). Only a verified domain routes SSO sign-ins, provisions
//! accounts, or makes a provider's emails trusted.
//!
//! Several organisations may claim one domain (a claim proves nothing); the first to verify it
//! has it, and no other can verify it then (409 `domain_taken`; the unique index decides a
//! race). Removing a domain ends what it did at once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{admin, not_found};
use crate::crypto::tokens::random_token;
use crate::db::schema::{org_domains, org_members, org_sso};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::audit::{self, AuditAction};
use crate::service::context::Context;
use crate::service::error::{Error, FieldError, Result};
use crate::service::ids::{AccountId, OrgId};
use crate::service::rate_limit::{self, Kind};
use crate::service::sessions::Caller;

/// The label the TXT record sits under.
pub const CHALLENGE_LABEL: &str = "_tessera-challenge";
/// What the TXT record's value starts with.
pub const VALUE_PREFIX: &str = "tessera-domain-verification=";
/// Domains one organisation may claim.
pub const MAX_DOMAINS: i64 = 50;

/// The DNS record that proves a claim.
#[derive(Debug, Clone)]
pub struct TxtRecord {
    /// Where to publish it.
    pub name: String,
    /// The TXT record's value, exactly.
    pub value: String,
}

/// A domain the organisation claims.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Lower-case, internationalised names in their ASCII (punycode) form.
    pub domain: String,
    /// Proven: it routes SSO sign-ins and provisions accounts, and the organisation's
    /// provider is trusted for emails at it.
    pub verified: bool,
    /// `dns` or `operator` (more may be added); absent until verified.
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    /// Whether the organisation's single sign-on signs in emails at this domain (its
    /// settings' `email_domains`).
    pub sso: bool,
    /// Publish this record, then ask for the check (`POST …/domains/{domain}/verify`).
    pub txt_record: TxtRecord,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = org_domains)]
struct DomainRow {
    domain: String,
    challenge: String,
    sso: i32,
    created_at: chrono::NaiveDateTime,
    verified_at: Option<chrono::NaiveDateTime>,
    verified_by: Option<String>,
}

impl DomainRow {
    fn view(self) -> Domain {
        Domain {
            txt_record: txt_record(&self.domain, &self.challenge),
            domain: self.domain,
            verified: self.verified_at.is_some(),
            verified_by: self.verified_by,
            verified_at: self.verified_at.map(from_db),
            sso: self.sso != 0,
            created_at: from_db(self.created_at),
        }
    }
}

fn txt_record(domain: &str, challenge: &str) -> TxtRecord {
    TxtRecord {
        name: format!("{CHALLENGE_LABEL}.{domain}"),
        value: format!("{VALUE_PREFIX}{challenge}"),
    }
}

/// A domain name as stored: trimmed, without a trailing dot, internationalised names in their
/// ASCII (punycode) form, lower-case; at least two labels of letters, digits and hyphens, and
/// not an IP address.
pub fn normalise(domain: &str) -> Option<String> {
    let trimmed = domain.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.len() > 253 {
        return None;
    }
    let ascii = idna::domain_to_ascii(trimmed).ok()?.to_ascii_lowercase();
    let labels: Vec<&str> = ascii.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let top_is_a_name = labels
        .last()
        .is_some_and(|top| !top.bytes().all(|b| b.is_ascii_digit()));
    (labels.len() >= 2 && ascii.len() <= 253 && labels.iter().all(label_ok) && top_is_a_name)
        .then_some(ascii)
}

/// The domain of an (already normalised) email address.
pub fn domain_of(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, domain)| domain)
}

fn parse(field: &str, domain: &str) -> Result<String> {
    normalise(domain).ok_or_else(|| {
        Error::invalid(vec![FieldError::new(
            field,
            "invalid_domain",
            "must be a domain name such as example.com",
        )])
    })
}

/// A domain in a path: one that cannot be a domain is one the organisation does not have.
fn parse_path(domain: &str) -> Result<String> {
    normalise(domain).ok_or_else(not_found)
}

fn row(conn: &mut DbConnection, org_id: &OrgId, domain: &str) -> Result<Option<DomainRow>> {
    Ok(org_domains::table
        .find((org_id.as_str(), domain))
        .select(DomainRow::as_select())
        .first(conn)
        .optional()?)
}

fn domain_taken() -> Error {
    Error::denied_because(
        ErrorCode::DomainTaken,
        "Another organisation has verified this domain.",
    )
}

/// Whether another organisation has verified `domain`.
fn verified_elsewhere(conn: &mut DbConnection, org_id: &OrgId, domain: &str) -> Result<bool> {
    let count: i64 = org_domains::table
        .filter(org_domains::domain.eq(domain))
        .filter(org_domains::org_id.ne(org_id.as_str()))
        .filter(org_domains::verified_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Claims `domain` for the organisation (owners and admins). Answers the claim and whether it
/// is new: claiming a domain the organisation claims already answers that claim. 409
/// `domain_taken` when another organisation has verified it; 409 `limit_reached` past 50.
/// Audited as `domain.added`.
pub fn add(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    domain: &str,
) -> Result<(Domain, bool)> {
    let domain = parse("domain", domain)?;
    cx.transaction(|cx| {
        admin(cx, org_id, caller)?;
        if let Some(existing) = row(cx.conn, org_id, &domain)? {
            return Ok((existing.view(), false));
        }
        if verified_elsewhere(cx.conn, org_id, &domain)? {
            return Err(domain_taken());
        }
        let claimed: i64 = org_domains::table
            .filter(org_domains::org_id.eq(org_id.as_str()))
            .count()
            .get_result(cx.conn)?;
        if claimed >= MAX_DOMAINS {
            return Err(Error::denied_because(
                ErrorCode::LimitReached,
                format!("An organisation may claim at most {MAX_DOMAINS} domains."),
            ));
        }
        insert_claim(cx, org_id, &domain)?;
        let me = caller.account_id();
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::DomainAdded,
            Some(serde_json::json!({"domain": domain})),
        )?;
        let added = row(cx.conn, org_id, &domain)?
            .ok_or_else(|| Error::internal("a domain claim vanished"))?;
        Ok((added.view(), true))
    })
}

fn insert_claim(cx: &mut Context<'_>, org_id: &OrgId, domain: &str) -> Result<()> {
    diesel::insert_into(org_domains::table)
        .values((
            org_domains::org_id.eq(org_id.as_str()),
            org_domains::domain.eq(domain),
            org_domains::challenge.eq(random_token("")),
            org_domains::sso.eq(0),
            org_domains::created_at.eq(to_db(cx.now)),
        ))
        .execute(cx.conn)?;
    Ok(())
}

/// The organisation's domains, by name (owners and admins).
pub fn list(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId) -> Result<Vec<Domain>> {
    admin(cx, org_id, caller)?;
    let rows: Vec<DomainRow> = org_domains::table
        .filter(org_domains::org_id.eq(org_id.as_str()))
        .order(org_domains::domain.asc())
        .select(DomainRow::as_select())
        .load(cx.conn)?;
    Ok(rows.into_iter().map(DomainRow::view).collect())
}

/// What a verification must do next.
pub enum Check {
    /// Verified already by this organisation: nothing to look up.
    Verified(Domain),
    /// Look this record up, then [`confirm`] with what was found.
    LookUp(TxtRecord),
}

/// The first half of a DNS verification (owners and admins): the record to look up. 404 for a
/// domain the organisation does not claim; 409 `domain_taken` when another organisation has
/// verified it; 429 past 10 checks an hour per organisation.
pub fn check_to_make(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    domain: &str,
) -> Result<Check> {
    let domain = parse_path(domain)?;
    admin(cx, org_id, caller)?;
    let claim = row(cx.conn, org_id, &domain)?.ok_or_else(not_found)?;
    if claim.verified_at.is_some() {
        return Ok(Check::Verified(claim.view()));
    }
    if verified_elsewhere(cx.conn, org_id, &domain)? {
        return Err(domain_taken());
    }
    rate_limit::take_for(cx, Kind::DomainCheck, org_id.as_str())?;
    Ok(Check::LookUp(txt_record(&domain, &claim.challenge)))
}

/// What a DNS look-up found: the TXT values at the name, or why there are none to read.
pub type Found = std::result::Result<Vec<String>, String>;

/// The second half: the domain is verified when `found` holds the claim's value (409
/// `domain_not_verified` naming what was found otherwise). Audited as `domain.verified`.
pub fn confirm(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    domain: &str,
    found: Found,
) -> Result<Domain> {
    let domain = parse_path(domain)?;
    cx.transaction(|cx| {
        admin(cx, org_id, caller)?;
        let claim = row(cx.conn, org_id, &domain)?.ok_or_else(not_found)?;
        if claim.verified_at.is_some() {
            return Ok(claim.view());
        }
        let expected = txt_record(&domain, &claim.challenge);
        let values = match &found {
            Ok(values) if values.iter().any(|v| v.trim() == expected.value) => None,
            Ok(values) if values.is_empty() => Some("no TXT record".to_string()),
            Ok(values) => Some(
                values
                    .iter()
                    .take(5)
                    .map(|v| format!("\"{}\"", printable(v)))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Err(why) => Some(format!("nothing ({why})")),
        };
        if let Some(found) = values {
            return Err(Error::denied_because(
                ErrorCode::DomainNotVerified,
                format!(
                    "Expected a TXT record at {} with the value \"{}\"; found {found}.",
                    expected.name, expected.value
                ),
            ));
        }
        mark_verified(cx, org_id, &domain, "dns")?;
        let me = caller.account_id();
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::DomainVerified,
            Some(serde_json::json!({"domain": domain, "by": "dns"})),
        )?;
        row(cx.conn, org_id, &domain)?
            .map(DomainRow::view)
            .ok_or_else(|| Error::internal("a domain claim vanished"))
    })
}

/// A DNS answer, as a problem's detail may quote it: printable and bounded.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(100).collect()
}

fn mark_verified(cx: &mut Context<'_>, org_id: &OrgId, domain: &str, by: &str) -> Result<()> {
    if verified_elsewhere(cx.conn, org_id, domain)? {
        return Err(domain_taken());
    }
    diesel::update(
        org_domains::table
            .find((org_id.as_str(), domain))
            .filter(org_domains::verified_at.is_null()),
    )
    .set((
        org_domains::verified_at.eq(Some(to_db(cx.now))),
        org_domains::verified_by.eq(Some(by)),
    ))
    .execute(cx.conn)
    .map_err(|e| match e {
        // Another organisation verified it a moment ago: the unique index decides.
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => domain_taken(),
        other => other.into(),
    })?;
    Ok(())
}

/// Removes the organisation's claim (owners and admins; 404 when it has none): a verified
/// domain stops routing sign-ins and provisioning at once. Audited as `domain.removed`.
pub fn remove(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId, domain: &str) -> Result<()> {
    let domain = parse_path(domain)?;
    cx.transaction(|cx| {
        admin(cx, org_id, caller)?;
        let claim = row(cx.conn, org_id, &domain)?.ok_or_else(not_found)?;
        diesel::delete(org_domains::table.find((org_id.as_str(), domain.as_str())))
            .execute(cx.conn)?;
        let me = caller.account_id();
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::DomainRemoved,
            Some(
                serde_json::json!({"domain": domain, "was_verified": claim.verified_at.is_some()}),
            ),
        )
    })
}

/// An operator vouches for the domain (`tessera admin verify-domain`): claimed if it was not,
/// and verified without DNS. 409 `domain_taken` when another organisation has it verified.
/// Audited as `domain.verified` (by `operator`), in the organisation's log under its oldest
/// owner.
pub fn verify_by_operator(cx: &mut Context<'_>, org_id: &OrgId, domain: &str) -> Result<Domain> {
    let domain = parse("domain", domain)?;
    cx.transaction(|cx| {
        let owner: Option<String> = org_members::table
            .filter(org_members::org_id.eq(org_id.as_str()))
            .filter(org_members::role.eq("owner"))
            .order(org_members::added_at.asc())
            .select(org_members::account_id)
            .first(cx.conn)
            .optional()?;
        let owner = AccountId::from(owner.ok_or_else(not_found)?);
        let claim = match row(cx.conn, org_id, &domain)? {
            Some(claim) => claim,
            None => {
                insert_claim(cx, org_id, &domain)?;
                row(cx.conn, org_id, &domain)?
                    .ok_or_else(|| Error::internal("a domain claim vanished"))?
            }
        };
        if claim.verified_at.is_some() {
            return Ok(claim.view());
        }
        mark_verified(cx, org_id, &domain, "operator")?;
        audit::record_in_org_by_operator(
            cx,
            org_id,
            &owner,
            AuditAction::DomainVerified,
            Some(serde_json::json!({"domain": domain, "by": "operator"})),
        )?;
        row(cx.conn, org_id, &domain)?
            .map(DomainRow::view)
            .ok_or_else(|| Error::internal("a domain claim vanished"))
    })
}

/// The organisation's verified domains.
pub fn verified(conn: &mut DbConnection, org_id: &OrgId) -> Result<Vec<String>> {
    Ok(org_domains::table
        .filter(org_domains::org_id.eq(org_id.as_str()))
        .filter(org_domains::verified_at.is_not_null())
        .order(org_domains::domain.asc())
        .select(org_domains::domain)
        .load(conn)?)
}

/// Whether the organisation has verified the domain of `email`.
pub fn verified_for_email(conn: &mut DbConnection, org_id: &OrgId, email: &str) -> Result<bool> {
    let Some(domain) = domain_of(email) else {
        return Ok(false);
    };
    let count: i64 = org_domains::table
        .find((org_id.as_str(), domain))
        .filter(org_domains::verified_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// The domains the organisation's SSO signs in (its settings' `email_domains`), verified or
/// not (claims from before domains were verified stay listed until verified or removed).
pub fn sso_domains(conn: &mut DbConnection, org_id: &OrgId) -> Result<Vec<String>> {
    Ok(org_domains::table
        .filter(org_domains::org_id.eq(org_id.as_str()))
        .filter(org_domains::sso.ne(0))
        .order(org_domains::domain.asc())
        .select(org_domains::domain)
        .load(conn)?)
}

/// Makes `domains` (already checked to be verified) the ones the organisation's SSO signs in.
pub fn set_sso_domains(conn: &mut DbConnection, org_id: &OrgId, domains: &[String]) -> Result<()> {
    diesel::update(org_domains::table.filter(org_domains::org_id.eq(org_id.as_str())))
        .set(org_domains::sso.eq(0))
        .execute(conn)?;
    diesel::update(
        org_domains::table
            .filter(org_domains::org_id.eq(org_id.as_str()))
            .filter(org_domains::domain.eq_any(domains)),
    )
    .set(org_domains::sso.eq(1))
    .execute(conn)?;
    Ok(())
}

/// The organisation whose single sign-on signs in `email`: its domain is verified by that
/// organisation, listed in its SSO settings, and the organisation has SSO on.
pub fn sso_org_for_email(conn: &mut DbConnection, email: &str) -> Result<Option<OrgId>> {
    let Some(domain) = domain_of(email) else {
        return Ok(None);
    };
    Ok(org_domains::table
        .inner_join(org_sso::table)
        .filter(org_domains::domain.eq(domain))
        .filter(org_domains::verified_at.is_not_null())
        .filter(org_domains::sso.ne(0))
        .select(org_domains::org_id)
        .first::<String>(conn)
        .optional()?
        .map(OrgId::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_cased_punycoded_and_must_look_like_domains() {
        assert_eq!(normalise(" Acme.COM. ").as_deref(), Some("acme.com"));
        assert_eq!(
            normalise("eu.acme-corp.io").as_deref(),
            Some("eu.acme-corp.io")
        );
        assert_eq!(
            normalise("Bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        for bad in [
            "acme",
            "acme..com",
            "-acme.com",
            "ac me.com",
            "acme.com/x",
            "@acme.com",
            "_acme.com",
            "192.0.2.1",
            "",
        ] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
        assert_eq!(domain_of("ada@acme.com"), Some("acme.com"));
    }
}
