//! Organisations and their members. Roles: `owner`, `admin`, `member`. Owners and admins
//! manage members; admins act on plain members only (only owners grant, change or remove the
//! `owner` and `admin` roles, require MFA of owners and admins, or change the organisation's
//! own requirement, which binds its owners too), and an organisation always keeps an owner.
//! To someone outside it an organisation does not exist (404); a member who is not an admin
//! is refused admin calls (403).
//!
//! Membership is consent: accounts join by accepting an invitation (`invitations`), or are
//! created by the organisation (managed accounts). Only the organisation that manages an
//! account may remove or replace its factors (409 `account_not_managed` otherwise).

pub mod domains;
pub mod hardware_tokens;
pub mod invitations;
pub mod policy;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use self::policy::MemberMfa;
use super::accounts::{self, normalise_email};
use super::audit::{self, AuditAction};
use super::context::{Context, Tx};
use super::error::{Error, FieldError, Result};
use super::ids::{AccountId, OrgId};
use super::mfa::FactorType;
use super::mfa::step_up::{self, Confirmation, Requirement};
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::sessions::Caller;
use crate::db::models::{OrgMemberRow, OrgRow};
use crate::db::schema::{accounts as account_rows, org_members, orgs};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

/// What one account or organisation may make.
#[derive(Debug, Clone, Copy)]
pub struct OrgLimits {
    /// Hardware tokens per organisation (`TESSERA_ORG_MAX_HARDWARE_TOKENS`).
    pub max_hardware_tokens: i64,
    /// Organisations one account may own (`TESSERA_MAX_ORGS_PER_ACCOUNT`).
    pub max_orgs_per_account: i64,
}

/// A member's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub(crate) fn parse(text: &str) -> Role {
        match text {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            _ => Role::Member,
        }
    }

    pub fn manages(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// An organisation, as one of its members sees it.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    /// The caller's role in it.
    pub role: Role,
    /// Every member must turn on MFA, within `enforcement_delay_days` of this being set (or
    /// of joining).
    pub require_mfa: bool,
    /// The grace period members get, in days (0: enrolment is forced at the next login).
    pub enforcement_delay_days: i32,
    /// The second factors that meet the requirement. A member whose factors are all of other
    /// types is treated as having none: enrolment (offering only these) is forced at login
    /// once the deadline passes, after the member's own factor is proven.
    pub allowed_methods: Vec<FactorType>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member, as the organisation's admins see them.
#[derive(Debug, Clone)]
pub struct Member {
    pub account_id: AccountId,
    pub email: String,
    pub display_name: Option<String>,
    /// `owner`, `admin` or `member` (more may be added).
    pub role: Role,
    pub added_at: DateTime<Utc>,
    pub mfa: MemberMfa,
}

fn org_view(row: OrgRow, role: Role) -> Org {
    let allowed_methods = policy::allowed_methods(&row).unwrap_or_else(|| FactorType::ALL.to_vec());
    Org {
        id: OrgId::from(row.id),
        name: row.name,
        role,
        require_mfa: row.require_mfa == 1,
        enforcement_delay_days: row.enforcement_delay_days,
        allowed_methods,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    }
}

pub(crate) fn member_row(
    org_id: &OrgId,
    account_id: &AccountId,
    role: Role,
    now: DateTime<Utc>,
) -> OrgMemberRow {
    OrgMemberRow {
        org_id: org_id.to_string(),
        account_id: account_id.to_string(),
        role: role.name().into(),
        added_at: to_db(now),
        mfa_required_since: None,
        mfa_delay_days: None,
        mfa_clock_started_at: None,
    }
}

fn org_row(conn: &mut DbConnection, org_id: &OrgId) -> Result<OrgRow> {
    Ok(orgs::table
        .find(org_id.as_str())
        .select(OrgRow::as_select())
        .first(conn)?)
}

fn member_of(conn: &mut DbConnection, org_id: &OrgId, member: &AccountId) -> Result<OrgMemberRow> {
    org_members::table
        .find((org_id.as_str(), member.as_str()))
        .select(OrgMemberRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Checks an organisation's name: 1 to 100 characters, no control characters, as sent.
fn check_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid(vec![FieldError::new(
            "name",
            "invalid",
            "must be 1 to 100 characters without control characters",
        )]));
    }
    Ok(trimmed.to_string())
}

pub(super) fn not_found() -> Error {
    Error::denied(ErrorCode::NotFound)
}

fn role_of(
    conn: &mut DbConnection,
    org_id: &OrgId,
    account_id: &AccountId,
) -> Result<Option<Role>> {
    let role: Option<String> = org_members::table
        .find((org_id.as_str(), account_id.as_str()))
        .select(org_members::role)
        .first(conn)
        .optional()?;
    Ok(role.map(|r| Role::parse(&r)))
}

/// The caller's role: 404 for anyone outside the organisation.
pub fn membership(cx: &mut Context<'_>, org_id: &OrgId, caller: &Caller) -> Result<Role> {
    role_of(cx.conn, org_id, caller.account_id())?.ok_or_else(not_found)
}

/// The caller's role, which must manage the organisation (403 for a plain member).
pub(crate) fn admin(cx: &mut Context<'_>, org_id: &OrgId, caller: &Caller) -> Result<Role> {
    let role = membership(cx, org_id, caller)?;
    if !role.manages() {
        return Err(Error::denied_because(
            ErrorCode::InsufficientRole,
            "Only the organisation's owners and admins may do this.",
        ));
    }
    Ok(role)
}

/// Inside a write transaction: holds the organisation's row lock until the end, so that
/// changes to its owners happen one after the other (PostgreSQL runs transactions side by
/// side: two owners demoting each other at once would each still see the other). A no-op
/// update, as `accounts::lock`.
fn lock(conn: &mut DbConnection, org_id: &OrgId) -> Result<()> {
    diesel::update(orgs::table.find(org_id.as_str()))
        .set(orgs::updated_at.eq(orgs::updated_at))
        .execute(conn)?;
    Ok(())
}

/// Creates an organisation; the caller becomes its owner. An account owns at most
/// `max_orgs_per_account` (409 `limit_reached`).
pub fn create(cx: &mut Context<'_>, caller: &Caller, name: &str) -> Result<Org> {
    let name = check_name(name)?;
    let row = OrgRow {
        id: OrgId::generate().into(),
        name,
        created_at: to_db(cx.now),
        updated_at: to_db(cx.now),
        require_mfa: 0,
        enforcement_delay_days: 0,
        require_mfa_since: None,
        allowed_methods: None,
    };
    cx.transaction(|cx| {
        // Counted under the account's row lock: concurrent creations cannot both pass.
        accounts::lock(cx.conn, caller.account_id())?;
        let owned: i64 = org_members::table
            .filter(org_members::account_id.eq(caller.account_id().as_str()))
            .filter(org_members::role.eq(Role::Owner.name()))
            .count()
            .get_result(cx.conn)?;
        if owned >= cx.env.limits.max_orgs_per_account {
            return Err(Error::denied_because(
                ErrorCode::LimitReached,
                format!(
                    "An account may own at most {} organisations.",
                    cx.env.limits.max_orgs_per_account
                ),
            ));
        }
        diesel::insert_into(orgs::table)
            .values(&row)
            .execute(cx.conn)?;
        let org_id = OrgId::from(row.id.clone());
        diesel::insert_into(org_members::table)
            .values(&member_row(
                &org_id,
                caller.account_id(),
                Role::Owner,
                cx.now,
            ))
            .execute(cx.conn)?;
        let me = caller.account_id();
        let details = serde_json::json!({"name": row.name});
        audit::record_in_org(cx, &org_id, me, me, AuditAction::OrgCreated, Some(details))?;
        Ok(org_view(row.clone(), Role::Owner))
    })
}

pub fn get(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId) -> Result<Org> {
    let role = membership(cx, org_id, caller)?;
    Ok(org_view(org_row(cx.conn, org_id)?, role))
}

/// What an admin may change about the organisation; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct OrgChange {
    pub name: Option<String>,
    pub require_mfa: Option<bool>,
    pub enforcement_delay_days: Option<i32>,
    pub allowed_methods: Option<Vec<FactorType>>,
}

/// Changes the organisation (owners and admins). Turning `require_mfa` on starts every
/// member's grace period now; changing the delay moves the deadlines with it.
pub fn update(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    change: OrgChange,
) -> Result<Org> {
    let name = change.name.as_deref().map(check_name).transpose()?;
    if let Some(days) = change.enforcement_delay_days {
        policy::check_delay(days)?;
    }
    let allowed = change
        .allowed_methods
        .as_deref()
        .map(policy::check_allowed_methods)
        .transpose()?
        .map(|methods| {
            let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
            serde_json::to_string(&names).map_err(Error::internal)
        })
        .transpose()?;
    cx.transaction(|cx| {
        let role = admin(cx, org_id, caller)?;
        let mut row = org_row(cx.conn, org_id)?;
        let mut fields = Vec::new();
        if let Some(name) = name
            && name != row.name
        {
            row.name = name;
            fields.push("name");
        }
        let policy_changes = change
            .require_mfa
            .is_some_and(|r| r != (row.require_mfa == 1))
            || change
                .enforcement_delay_days
                .is_some_and(|d| d != row.enforcement_delay_days)
            || allowed
                .as_ref()
                .is_some_and(|a| Some(a) != row.allowed_methods.as_ref());
        if policy_changes && role != Role::Owner {
            // The organisation's requirement binds its owners too.
            return Err(Error::denied_because(
                ErrorCode::InsufficientRole,
                "Only owners may change the organisation's MFA requirement.",
            ));
        }
        if let Some(require) = change.require_mfa
            && require != (row.require_mfa == 1)
        {
            row.require_mfa = i32::from(require);
            row.require_mfa_since = require.then_some(to_db(cx.now));
            fields.push("require_mfa");
        }
        if let Some(days) = change.enforcement_delay_days
            && days != row.enforcement_delay_days
        {
            row.enforcement_delay_days = days;
            fields.push("enforcement_delay_days");
        }
        if let Some(allowed) = allowed
            && Some(&allowed) != row.allowed_methods.as_ref()
        {
            row.allowed_methods = Some(allowed);
            fields.push("allowed_methods");
        }
        if fields.is_empty() {
            return Ok(org_view(row, role));
        }
        row.updated_at = to_db(cx.now);
        diesel::update(orgs::table.find(org_id.as_str()))
            .set((
                orgs::name.eq(&row.name),
                orgs::require_mfa.eq(row.require_mfa),
                orgs::require_mfa_since.eq(row.require_mfa_since),
                orgs::enforcement_delay_days.eq(row.enforcement_delay_days),
                orgs::allowed_methods.eq(&row.allowed_methods),
                orgs::updated_at.eq(row.updated_at),
            ))
            .execute(cx.conn)?;
        let me = caller.account_id();
        let details = serde_json::json!({
            "fields": fields,
            "require_mfa": row.require_mfa == 1,
            "enforcement_delay_days": row.enforcement_delay_days,
            "allowed_methods": policy::allowed_methods(&row),
        });
        audit::record_in_org(cx, org_id, me, me, AuditAction::OrgUpdated, Some(details))?;
        Ok(org_view(row, role))
    })
}

/// The members, newest first, with their MFA state (owners and admins), optionally only
/// those whose MFA status is `status`. A filtered page may hold fewer than `limit` members;
/// follow `next_cursor` for the rest.
pub fn members(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    page: &PageRequest,
    status: Option<&str>,
) -> Result<Page<Member>> {
    admin(cx, org_id, caller)?;
    let org = org_row(cx.conn, org_id)?;
    let rows = crate::keyset_page!(
        org_members::table
            .inner_join(account_rows::table)
            .filter(org_members::org_id.eq(org_id.as_str()))
            .select((
                OrgMemberRow::as_select(),
                account_rows::email,
                account_rows::display_name,
            )),
        org_members::added_at,
        org_members::account_id,
        page
    )
    .load::<(OrgMemberRow, String, Option<String>)>(cx.conn)?;
    let member_rows: Vec<OrgMemberRow> = rows.iter().map(|(m, _, _)| m.clone()).collect();
    let summaries = policy::summaries(cx.conn, &org, &member_rows)?;
    let rows: Vec<(OrgMemberRow, String, Option<String>, MemberMfa)> = rows
        .into_iter()
        .zip(summaries)
        .map(|((m, email, name), mfa)| (m, email, name, mfa))
        .collect();
    let mut page = page_from(
        rows,
        page.limit,
        |(m, _, _, _)| Cursor::new(m.added_at, &m.account_id),
        |(m, email, display_name, mfa)| Member {
            account_id: AccountId::from(m.account_id),
            email,
            display_name,
            role: Role::parse(&m.role),
            added_at: from_db(m.added_at),
            mfa,
        },
    );
    if let Some(status) = status {
        page.items.retain(|m| m.mfa.status == status);
    }
    Ok(page)
}

/// Only owners hand out, take away or touch the `owner` and `admin` roles: an admin acts on
/// plain members only.
fn may_assign(actor: Role, from: Option<Role>, to: Option<Role>) -> Result<()> {
    let above_member = |role: Option<Role>| role.is_some_and(|r| r != Role::Member);
    if (above_member(from) || above_member(to)) && actor != Role::Owner {
        return Err(Error::denied_because(
            ErrorCode::InsufficientRole,
            "Only owners may grant, change or remove the owner and admin roles.",
        ));
    }
    Ok(())
}

/// Only owners act on the MFA of owners and admins.
fn may_act_on(actor: Role, member: Role) -> Result<()> {
    if member != Role::Member && actor != Role::Owner {
        return Err(Error::denied_because(
            ErrorCode::InsufficientRole,
            "Only owners may require or reset the MFA of owners and admins.",
        ));
    }
    Ok(())
}

/// The organisation manages the account (created it): only then may it remove or replace
/// the account's factors.
fn must_manage(conn: &mut DbConnection, org_id: &OrgId, member: &AccountId) -> Result<()> {
    let managed_by: Option<String> = account_rows::table
        .find(member.as_str())
        .select(account_rows::managed_by_org_id)
        .first(conn)?;
    if managed_by.as_deref() != Some(org_id.as_str()) {
        return Err(Error::denied(ErrorCode::AccountNotManaged));
    }
    Ok(())
}

fn owners(conn: &mut DbConnection, org_id: &OrgId) -> Result<i64> {
    Ok(org_members::table
        .filter(org_members::org_id.eq(org_id.as_str()))
        .filter(org_members::role.eq(Role::Owner.name()))
        .count()
        .get_result(conn)?)
}

fn last_owner() -> Error {
    Error::denied_because(
        ErrorCode::LastOwner,
        "An organisation must keep an owner: make someone else owner first.",
    )
}

/// Adds an account the organisation manages (one it created, that was removed), by email,
/// with a role. Anyone else is invited: 409 `invitation_required`, the same answer whether or
/// not an account has the address.
pub fn add_member(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    email: &str,
    role: Role,
) -> Result<Member> {
    cx.transaction(|cx| {
        let actor = admin(cx, org_id, caller)?;
        may_assign(actor, None, Some(role))?;
        let account = accounts::find_by_email(cx.conn, &normalise_email(email))?
            .filter(|a| a.managed_by_org_id.as_deref() == Some(org_id.as_str()))
            .ok_or_else(|| Error::denied(ErrorCode::InvitationRequired))?;
        let member_id = AccountId::from(account.id.clone());
        if role_of(cx.conn, org_id, &member_id)?.is_some() {
            return Err(Error::denied_because(
                ErrorCode::AlreadyAMember,
                "This account is already a member of the organisation.",
            ));
        }
        let row = member_row(org_id, &member_id, role, cx.now);
        diesel::insert_into(org_members::table)
            .values(&row)
            .execute(cx.conn)?;
        let details = serde_json::json!({"role": role.name()});
        let action = AuditAction::MembershipAdded;
        audit::record_in_org(
            cx,
            org_id,
            caller.account_id(),
            &member_id,
            action,
            Some(details),
        )?;
        let org = org_row(cx.conn, org_id)?;
        let mfa = policy::summary(cx.conn, &org, &row)?;
        Ok(Member {
            account_id: member_id,
            email: account.email,
            display_name: account.display_name,
            role,
            added_at: cx.now,
            mfa,
        })
    })
}

/// Power over other people's access — making an owner or admin, resetting a member's MFA,
/// naming the identity provider members sign in at — is wielded with the password and, once
/// MFA is on, a current code (DESIGN §6): a stolen session alone grants itself nothing that
/// outlives it. `needed` false runs `change` in a plain transaction. Callers check the
/// caller's role before (cheaply, for a clear 403/404 without a password attempt) and again
/// inside `change`.
pub(crate) fn with_proof<T>(
    cx: &mut Context<'_>,
    caller: &Caller,
    confirmation: Confirmation,
    needed: bool,
    change: impl FnOnce(&mut Tx<'_>) -> Result<T>,
) -> Result<T> {
    if !needed {
        return cx.transaction(change);
    }
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::verify(
        cx,
        caller.account_id(),
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
    )?
    .apply(cx, |cx, _| change(cx))
}

/// The member's current role (404 when the account is not a member).
fn member_role(cx: &mut Context<'_>, org_id: &OrgId, member: &AccountId) -> Result<Role> {
    role_of(cx.conn, org_id, member)?.ok_or_else(not_found)
}

/// Changes a member's role.
pub fn change_role(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    member: &AccountId,
    role: Role,
    confirmation: Confirmation,
) -> Result<()> {
    // Granting owner or admin is granting power over others: it asks for the proof.
    let actor = admin(cx, org_id, caller)?;
    let before = member_role(cx, org_id, member)?;
    may_assign(actor, Some(before), Some(role))?;
    let grants = role.manages() && before != role;
    with_proof(cx, caller, confirmation, grants, |cx| {
        lock(cx.conn, org_id)?;
        let actor = admin(cx, org_id, caller)?;
        let before = member_role(cx, org_id, member)?;
        may_assign(actor, Some(before), Some(role))?;
        if before == role {
            return Ok(());
        }
        if before == Role::Owner && owners(cx.conn, org_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::update(org_members::table.find((org_id.as_str(), member.as_str())))
            .set(org_members::role.eq(role.name()))
            .execute(cx.conn)?;
        let details = serde_json::json!({"from": before.name(), "to": role.name()});
        let action = AuditAction::MembershipRoleChanged;
        audit::record_in_org(
            cx,
            org_id,
            caller.account_id(),
            member,
            action,
            Some(details),
        )
    })
}

/// Removes a member (owners and admins; anyone may leave, except the last owner).
pub fn remove_member(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    member: &AccountId,
) -> Result<()> {
    cx.transaction(|cx| {
        lock(cx.conn, org_id)?;
        let leaving = member == caller.account_id();
        let actor = if leaving {
            membership(cx, org_id, caller)?
        } else {
            admin(cx, org_id, caller)?
        };
        let before = member_role(cx, org_id, member)?;
        if leaving {
            if must_manage(cx.conn, org_id, member).is_ok() {
                return Err(Error::denied(ErrorCode::ManagedAccountCannotLeave));
            }
        } else {
            may_assign(actor, Some(before), None)?;
        }
        if before == Role::Owner && owners(cx.conn, org_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::delete(org_members::table.find((org_id.as_str(), member.as_str())))
            .execute(cx.conn)?;
        let details = serde_json::json!({"role": before.name()});
        let action = AuditAction::MembershipRemoved;
        audit::record_in_org(
            cx,
            org_id,
            caller.account_id(),
            member,
            action,
            Some(details),
        )
    })
}

/// The organisation's audit log (owners and admins).
pub fn audit_log(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    page: &PageRequest,
) -> Result<Page<audit::AuditEvent>> {
    admin(cx, org_id, caller)?;
    audit::list(cx.conn, audit::AuditLogOf::Org(org_id), page)
}

/// A member's MFA as the admins see it (owners and admins).
pub fn member_mfa(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    member: &AccountId,
) -> Result<MemberMfa> {
    admin(cx, org_id, caller)?;
    let org = org_row(cx.conn, org_id)?;
    let row = member_of(cx.conn, org_id, member)?;
    policy::summary(cx.conn, &org, &row)
}

/// Requires MFA of one member with its own grace period, or clears that requirement (the
/// organisation's may still apply). The deadline is fixed when the requirement is set; a new
/// delay moves it.
pub fn set_member_requirement(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    member: &AccountId,
    required: bool,
    delay_days: i32,
) -> Result<MemberMfa> {
    policy::check_delay(delay_days)?;
    cx.transaction(|cx| {
        let actor = admin(cx, org_id, caller)?;
        let row = member_of(cx.conn, org_id, member)?;
        may_act_on(actor, Role::parse(&row.role))?;
        let since = match (required, row.mfa_required_since) {
            (true, Some(since)) => Some(since),
            (true, None) => Some(to_db(cx.now)),
            (false, _) => None,
        };
        diesel::update(org_members::table.find((org_id.as_str(), member.as_str())))
            .set((
                org_members::mfa_required_since.eq(since),
                org_members::mfa_delay_days.eq(required.then_some(delay_days)),
            ))
            .execute(cx.conn)?;
        let (action, details) = if required {
            let details = serde_json::json!({"enforcement_delay_days": delay_days});
            (AuditAction::MfaRequirementSet, Some(details))
        } else {
            (AuditAction::MfaRequirementCleared, None)
        };
        audit::record_in_org(cx, org_id, caller.account_id(), member, action, details)?;
        let org = org_row(cx.conn, org_id)?;
        let row = member_of(cx.conn, org_id, member)?;
        policy::summary(cx.conn, &org, &row)
    })
}

/// An admin's reset of a managed member's MFA (a lost phone): every factor and the recovery
/// codes go, every session of the member ends, and the enforcement clock starts again. A
/// personal member's factors are theirs alone: 409 `account_not_managed`.
pub fn reset_member_mfa(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    member: &AccountId,
    confirmation: Confirmation,
) -> Result<MemberMfa> {
    let check = |cx: &mut Context<'_>| -> Result<()> {
        let actor = admin(cx, org_id, caller)?;
        let row = member_of(cx.conn, org_id, member)?;
        may_act_on(actor, Role::parse(&row.role))?;
        must_manage(cx.conn, org_id, member)
    };
    check(cx)?;
    with_proof(cx, caller, confirmation, true, |cx| {
        check(cx)?;
        accounts::lock(cx.conn, member)?;
        // The member view keeps when and by whom: MFA was on, and an admin took it off.
        let removed = crate::service::mfa::factors::clear(cx, member, caller.account_id())?;
        // The member lost their phone, or someone else has it: every way in made with it ends.
        let ended = crate::service::recovery::end_ways_in(cx, member, "mfa_reset")?;
        diesel::update(org_members::table.find((org_id.as_str(), member.as_str())))
            .set(org_members::mfa_clock_started_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn)?;
        let mut details = ended.details();
        details["factors_removed"] = removed.into();
        audit::record_in_org(
            cx,
            org_id,
            caller.account_id(),
            member,
            AuditAction::MfaReset,
            Some(details),
        )?;
        let org = org_row(cx.conn, org_id)?;
        let row = member_of(cx.conn, org_id, member)?;
        policy::summary(cx.conn, &org, &row)
    })
}

/// One of the account's organisations, as the account sees it.
#[derive(Debug, Clone)]
pub struct Membership {
    pub org_id: OrgId,
    pub name: String,
    /// `owner`, `admin` or `member` (more may be added).
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    /// True when this organisation manages the account (it created it): it may reset the
    /// account's MFA, and the account cannot leave it.
    pub manages_account: bool,
}

/// The caller's organisations, newest membership first.
pub fn my_orgs(
    cx: &mut Context<'_>,
    caller: &Caller,
    page: &PageRequest,
) -> Result<Page<Membership>> {
    let me = caller.account_id();
    let managing: Option<String> = account_rows::table
        .find(me.as_str())
        .select(account_rows::managed_by_org_id)
        .first(cx.conn)?;
    let rows = crate::keyset_page!(
        org_members::table
            .inner_join(orgs::table)
            .filter(org_members::account_id.eq(me.as_str()))
            .select((OrgMemberRow::as_select(), orgs::name)),
        org_members::added_at,
        org_members::org_id,
        page
    )
    .load::<(OrgMemberRow, String)>(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |(m, _)| Cursor::new(m.added_at, &m.org_id),
        |(m, name)| Membership {
            manages_account: managing.as_deref() == Some(m.org_id.as_str()),
            org_id: OrgId::from(m.org_id),
            name,
            role: Role::parse(&m.role),
            joined_at: from_db(m.added_at),
        },
    ))
}

/// The organisation that manages an account.
#[derive(Debug, Clone)]
pub struct ManagedBy {
    pub org_id: OrgId,
    pub name: String,
}

/// The organisation that manages the account; `None` for a personal account.
pub fn managed_by(conn: &mut DbConnection, account_id: &AccountId) -> Result<Option<ManagedBy>> {
    Ok(account_rows::table
        .inner_join(orgs::table.on(orgs::id.nullable().eq(account_rows::managed_by_org_id)))
        .filter(account_rows::id.eq(account_id.as_str()))
        .select((orgs::id, orgs::name))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(id, name)| ManagedBy {
            org_id: OrgId::from(id),
            name,
        }))
}
