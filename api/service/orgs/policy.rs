//! MFA requirements of organisations: organisation-wide (`require_mfa`, with a default grace
//! period) or set for one member (with its own). A requirement's deadline is fixed when it is
//! set — set time plus the delay — and moves only when the delay changes or an admin resets
//! the member's MFA (the clock starts again). Past the deadline, a member without an active
//! factor is made to enrol at login.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::db::models::{MfaFactorRow, OrgMemberRow, OrgRow};
use crate::db::schema::{
    accounts, mfa_factors, org_members, orgs, recovery_codes as recovery_code_rows,
};
use crate::db::{DbConnection, from_db};
use crate::service::error::{Error, FieldError, Result};
use crate::service::ids::AccountId;
use crate::service::mfa::{FactorState, FactorType};

/// The longest grace period an organisation may give.
pub const MAX_DELAY_DAYS: i32 = 365;

pub fn check_delay(days: i32) -> Result<()> {
    if !(0..=MAX_DELAY_DAYS).contains(&days) {
        return Err(Error::invalid(vec![FieldError::new(
            "enforcement_delay_days",
            "out_of_range",
            format!("must be 0 to {MAX_DELAY_DAYS} days"),
        )]));
    }
    Ok(())
}

/// Where a member's requirement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Org,
    Member,
}

/// A requirement that applies to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub source: Source,
    pub deadline: DateTime<Utc>,
}

fn later(a: DateTime<Utc>, b: Option<DateTime<Utc>>) -> DateTime<Utc> {
    b.map_or(a, |b| a.max(b))
}

/// The requirement on `member` of `org`, if one applies: the member's own, else the
/// organisation's (counted from when it was set, or from when the member joined if later).
pub fn requirement_of(org: &OrgRow, member: &OrgMemberRow) -> Option<Requirement> {
    let clock = member.mfa_clock_started_at.map(from_db);
    if let Some(since) = member.mfa_required_since {
        let start = later(from_db(since), clock);
        let delay = i64::from(member.mfa_delay_days.unwrap_or(0));
        return Some(Requirement {
            source: Source::Member,
            deadline: start + Duration::days(delay),
        });
    }
    let since = org.require_mfa_since.filter(|_| org.require_mfa == 1)?;
    let start = later(later(from_db(since), Some(from_db(member.added_at))), clock);
    Some(Requirement {
        source: Source::Org,
        deadline: start + Duration::days(i64::from(org.enforcement_delay_days)),
    })
}

/// The factor types that meet the organisation's requirement; `None`: any.
pub fn allowed_methods(org: &OrgRow) -> Option<Vec<FactorType>> {
    let list: Vec<String> = serde_json::from_str(org.allowed_methods.as_deref()?).ok()?;
    Some(list.iter().filter_map(|m| FactorType::parse(m)).collect())
}

/// Whether factors of `kinds` meet the organisation's requirement: one of them is allowed.
pub fn meets(org: &OrgRow, kinds: &[String]) -> bool {
    match allowed_methods(org) {
        None => !kinds.is_empty(),
        Some(allowed) => kinds
            .iter()
            .any(|kind| allowed.iter().any(|a| a.name() == kind)),
    }
}

/// Checks an organisation's `allowed_methods`: at least one, each a factor type.
pub fn check_allowed_methods(methods: &[FactorType]) -> Result<Vec<FactorType>> {
    let mut unique: Vec<FactorType> = Vec::new();
    for method in methods {
        if !unique.contains(method) {
            unique.push(*method);
        }
    }
    if unique.is_empty() {
        return Err(Error::invalid(vec![FieldError::new(
            "allowed_methods",
            "empty",
            "at least one method must meet the requirement",
        )]));
    }
    Ok(unique)
}

/// The account's organisations that require MFA of it, with their requirements.
fn requirements(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Vec<(OrgRow, Requirement)>> {
    let memberships: Vec<(OrgMemberRow, OrgRow)> = org_members::table
        .inner_join(orgs::table)
        .filter(org_members::account_id.eq(account_id.as_str()))
        .select((OrgMemberRow::as_select(), OrgRow::as_select()))
        .load(conn)?;
    Ok(memberships
        .into_iter()
        .filter_map(|(member, org)| requirement_of(&org, &member).map(|r| (org, r)))
        .collect())
}

/// The earliest deadline among the requirements the account's active factors do not meet
/// (none, or none of the methods the organisation allows).
pub fn enrollment_deadline(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Option<DateTime<Utc>>> {
    let requirements = requirements(conn, account_id)?;
    if requirements.is_empty() {
        return Ok(None);
    }
    let kinds = crate::service::mfa::active_kinds(conn, account_id)?;
    Ok(requirements
        .iter()
        .filter(|(org, _)| !meets(org, &kinds))
        .map(|(_, r)| r.deadline)
        .min())
}

/// Whether any organisation requires MFA of the account (met or not): then MFA cannot be
/// turned off.
pub fn mfa_required(conn: &mut DbConnection, account_id: &AccountId) -> Result<bool> {
    Ok(!requirements(conn, account_id)?.is_empty())
}

/// Whether removing the factor `removing` from the account's `active` factors would leave a
/// requirement they meet now unmet.
pub fn removal_breaks_requirement(
    conn: &mut DbConnection,
    account_id: &AccountId,
    active: &[MfaFactorRow],
    removing: &str,
) -> Result<bool> {
    let kinds: Vec<String> = active.iter().map(|f| f.kind.clone()).collect();
    let after: Vec<String> = active
        .iter()
        .filter(|f| f.id != removing)
        .map(|f| f.kind.clone())
        .collect();
    Ok(requirements(conn, account_id)?
        .iter()
        .any(|(org, _)| meets(org, &kinds) && !meets(org, &after)))
}

/// The methods an enrolment may offer to meet the requirements not met yet: those every such
/// organisation allows, or — when they share none — those any of them allows. `None`: no
/// organisation restricts them.
pub fn enrollable_methods(
    conn: &mut DbConnection,
    account_id: &AccountId,
) -> Result<Option<Vec<FactorType>>> {
    let requirements = requirements(conn, account_id)?;
    if requirements.is_empty() {
        return Ok(None);
    }
    let kinds = crate::service::mfa::active_kinds(conn, account_id)?;
    let restricting: Vec<Vec<FactorType>> = requirements
        .iter()
        .filter(|(org, _)| !meets(org, &kinds))
        .filter_map(|(org, _)| allowed_methods(org))
        .collect();
    let Some(first) = restricting.first() else {
        return Ok(None);
    };
    let shared: Vec<FactorType> = first
        .iter()
        .copied()
        .filter(|m| restricting.iter().all(|list| list.contains(m)))
        .collect();
    if !shared.is_empty() {
        return Ok(Some(shared));
    }
    let mut any: Vec<FactorType> = Vec::new();
    for method in restricting.iter().flatten() {
        if !any.contains(method) {
            any.push(*method);
        }
    }
    Ok(Some(any))
}

/// A factor as an admin sees it: what, since when, last used.
#[derive(Debug, Clone)]
pub struct FactorSummary {
    /// `totp` (more types may be added).
    pub kind: String,
    pub created_at: DateTime<Utc>,
    /// Shown only for accounts the organisation manages (null for personal members: their
    /// habits are their own).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Who last turned a member's MFA off.
#[derive(Debug, Clone)]
pub struct DisabledBy {
    /// `member` (the member turned it off) or `admin` (an admin reset it; more may be added).
    pub kind: &'static str,
    /// Who, when they belong to this organisation (or are the member); null for an admin of
    /// another organisation that manages the member.
    pub account_id: Option<String>,
    pub email: Option<String>,
}

/// A member's MFA, as the organisation's admins see it.
#[derive(Debug, Clone)]
pub struct MemberMfa {
    /// True when a requirement applies.
    pub required: bool,
    /// `org` (the organisation requires MFA of everyone) or `member` (set for this member);
    /// null when nothing is required.
    pub source: Option<Source>,
    /// When enrolment is forced at login, if a requirement applies.
    pub deadline: Option<DateTime<Utc>>,
    /// `not_required`, `pending` (required, no factor yet), `active` or `disabled` (turned
    /// off, nothing requires it) — more may be added.
    pub status: String,
    pub activated_at: Option<DateTime<Utc>>,
    /// When MFA was first turned on; kept after it is turned off or reset, so the view never
    /// forgets that it was on.
    pub first_enabled_at: Option<DateTime<Utc>>,
    /// When MFA was last turned off: by the member, or by an admin's reset.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Who turned it off then.
    pub disabled_by: Option<DisabledBy>,
    pub factors: Vec<FactorSummary>,
    /// Unused recovery codes; null when the member has none, and always null for personal
    /// members.
    pub recovery_codes_remaining: Option<i64>,
    /// True when the organisation manages the account (it created it): only then may its
    /// admins reset the member's MFA. A personal member recovers with their own recovery codes.
    pub managed: bool,
}

/// The MFA summaries of the given members of `org`, in one go (a page of members).
pub fn summaries(
    conn: &mut DbConnection,
    org: &OrgRow,
    members: &[OrgMemberRow],
) -> Result<Vec<MemberMfa>> {
    let ids: Vec<&str> = members.iter().map(|m| m.account_id.as_str()).collect();
    let factors: Vec<MfaFactorRow> = mfa_factors::table
        .filter(mfa_factors::account_id.eq_any(&ids))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .order(mfa_factors::created_at.asc())
        .select(MfaFactorRow::as_select())
        .load(conn)?;
    type MfaHistory = (
        String,
        Option<chrono::NaiveDateTime>,
        Option<String>,
        Option<chrono::NaiveDateTime>,
        Option<String>,
    );
    let disabled: Vec<MfaHistory> = accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select((
            accounts::id,
            accounts::mfa_disabled_at,
            accounts::managed_by_org_id,
            accounts::mfa_first_enabled_at,
            accounts::mfa_disabled_by,
        ))
        .load(conn)?;
    let disablers: Vec<&str> = disabled
        .iter()
        .filter_map(|(.., by)| by.as_deref())
        .collect();
    // Who disabled is named only when this organisation may know them: the member, or one of
    // its own members (another organisation's admin who reset a shared member stays unnamed).
    let disabler_emails: Vec<(String, String)> = accounts::table
        .inner_join(org_members::table)
        .filter(org_members::org_id.eq(&org.id))
        .filter(accounts::id.eq_any(&disablers))
        .select((accounts::id, accounts::email))
        .load(conn)?;
    let codes: Vec<(String, Option<chrono::NaiveDateTime>)> = recovery_code_rows::table
        .filter(recovery_code_rows::account_id.eq_any(&ids))
        .select((recovery_code_rows::account_id, recovery_code_rows::used_at))
        .load(conn)?;
    Ok(members
        .iter()
        .map(|member| {
            let id = member.account_id.as_str();
            let own: Vec<&MfaFactorRow> = factors.iter().filter(|f| f.account_id == id).collect();
            let requirement = requirement_of(org, member);
            let account = disabled.iter().find(|(account, ..)| account == id);
            let disabled_at = account.and_then(|(_, at, ..)| at.map(from_db));
            let disabled_by = account
                .and_then(|(.., by)| by.as_deref())
                .filter(|_| disabled_at.is_some())
                .map(|by| {
                    let known = disabler_emails.iter().find(|(account, _)| account == by);
                    DisabledBy {
                        kind: if by == id { "member" } else { "admin" },
                        account_id: known.map(|(account, _)| account.clone()),
                        email: known.map(|(_, email)| email.clone()),
                    }
                });
            // Membership is consent to the requirement and to the status being seen; what
            // else the account does with its factors stays with its owner unless the
            // organisation manages it.
            let managed =
                account.is_some_and(|(_, _, manager, ..)| manager.as_deref() == Some(&org.id));
            let has_codes = managed && codes.iter().any(|(account, _)| account == id);
            let kinds: Vec<String> = own.iter().map(|f| f.kind.clone()).collect();
            // Factors the organisation does not allow leave its requirement pending.
            let status = match (own.is_empty(), requirement.is_some(), disabled_at) {
                (false, true, _) if !meets(org, &kinds) => "pending",
                (false, _, _) => "active",
                (true, true, _) => "pending",
                (true, false, Some(_)) => "disabled",
                (true, false, None) => "not_required",
            };
            MemberMfa {
                required: requirement.is_some(),
                source: requirement.map(|r| r.source),
                deadline: requirement.map(|r| r.deadline),
                status: status.to_string(),
                activated_at: own.iter().filter_map(|f| f.activated_at).min().map(from_db),
                first_enabled_at: account.and_then(|(.., first, _)| first.map(from_db)),
                disabled_at,
                disabled_by,
                factors: own
                    .iter()
                    .map(|f| FactorSummary {
                        kind: f.kind.clone(),
                        created_at: from_db(f.created_at),
                        last_used_at: f.last_used_at.filter(|_| managed).map(from_db),
                    })
                    .collect(),
                recovery_codes_remaining: has_codes.then(|| {
                    codes
                        .iter()
                        .filter(|(account, used)| account == id && used.is_none())
                        .count() as i64
                }),
                managed,
            }
        })
        .collect())
}

/// One member's summary.
pub fn summary(conn: &mut DbConnection, org: &OrgRow, member: &OrgMemberRow) -> Result<MemberMfa> {
    let mut all = summaries(conn, org, std::slice::from_ref(member))?;
    all.pop()
        .ok_or_else(|| Error::internal("a summary for every member"))
}
