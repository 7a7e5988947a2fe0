//! Organisations and their members. Roles: `owner`, `admin`, `member`. Owners and admins
//! manage members; only owners touch the `owner` role, and an organisation always keeps one.
//! To someone outside it an organisation does not exist (404); a member who is not an admin
//! is refused admin calls (403).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::{self, normalise_email};
use super::audit::{self, AuditAction};
use super::context::Context;
use super::error::{Error, FieldError, Result};
use super::ids::{AccountId, OrgId};
use super::mfa::{FactorState, FactorType};
use super::pagination::{Cursor, Page, PageRequest, page_from};
use super::sessions::Caller;
use crate::db::models::{OrgMemberRow, OrgRow};
use crate::db::schema::{accounts as account_rows, mfa_factors, org_members, orgs};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;

/// A member's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
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

    fn parse(text: &str) -> Role {
        match text {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            _ => Role::Member,
        }
    }

    fn manages(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// An organisation, as one of its members sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Org {
    #[schema(value_type = String, example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: OrgId,
    #[schema(example = "Acme")]
    pub name: String,
    /// The caller's role in it.
    #[schema(value_type = String, example = "owner")]
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member, as the organisation's admins see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    #[schema(value_type = String)]
    pub account_id: AccountId,
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub display_name: Option<String>,
    /// `owner`, `admin` or `member` (more may be added).
    #[schema(value_type = String, example = "member")]
    pub role: Role,
    pub added_at: DateTime<Utc>,
    /// True when the member has an active second factor.
    pub mfa_enabled: bool,
}

fn org_view(row: OrgRow, role: Role) -> Org {
    Org {
        id: OrgId::from(row.id),
        name: row.name,
        role,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    }
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

fn not_found() -> Error {
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
fn admin(cx: &mut Context<'_>, org_id: &OrgId, caller: &Caller) -> Result<Role> {
    let role = membership(cx, org_id, caller)?;
    if !role.manages() {
        return Err(Error::denied_because(
            ErrorCode::InsufficientRole,
            "Only the organisation's owners and admins may do this.",
        ));
    }
    Ok(role)
}

/// Creates an organisation; the caller becomes its owner.
pub fn create(cx: &mut Context<'_>, caller: &Caller, name: &str) -> Result<Org> {
    let name = check_name(name)?;
    let row = OrgRow {
        id: OrgId::generate().into(),
        name,
        created_at: to_db(cx.now),
        updated_at: to_db(cx.now),
    };
    cx.transaction(|cx| {
        diesel::insert_into(orgs::table)
            .values(&row)
            .execute(cx.conn)?;
        diesel::insert_into(org_members::table)
            .values(&OrgMemberRow {
                org_id: row.id.clone(),
                account_id: caller.account_id().to_string(),
                role: Role::Owner.name().into(),
                added_at: to_db(cx.now),
            })
            .execute(cx.conn)?;
        let org_id = OrgId::from(row.id.clone());
        let me = caller.account_id();
        let details = serde_json::json!({"name": row.name});
        audit::record_in_org(cx, &org_id, me, me, AuditAction::OrgCreated, Some(details))?;
        Ok(org_view(row.clone(), Role::Owner))
    })
}

pub fn get(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId) -> Result<Org> {
    let role = membership(cx, org_id, caller)?;
    let row = orgs::table
        .find(org_id.as_str())
        .select(OrgRow::as_select())
        .first(cx.conn)?;
    Ok(org_view(row, role))
}

/// Renames the organisation (owners and admins).
pub fn rename(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId, name: &str) -> Result<Org> {
    let name = check_name(name)?;
    cx.transaction(|cx| {
        let role = admin(cx, org_id, caller)?;
        diesel::update(orgs::table.find(org_id.as_str()))
            .set((orgs::name.eq(&name), orgs::updated_at.eq(to_db(cx.now))))
            .execute(cx.conn)?;
        let me = caller.account_id();
        let details = serde_json::json!({"fields": ["name"]});
        audit::record_in_org(cx, org_id, me, me, AuditAction::OrgUpdated, Some(details))?;
        let row = orgs::table
            .find(org_id.as_str())
            .select(OrgRow::as_select())
            .first(cx.conn)?;
        Ok(org_view(row, role))
    })
}

/// The members, newest first, with their MFA state (owners and admins).
pub fn members(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    page: &PageRequest,
) -> Result<Page<Member>> {
    admin(cx, org_id, caller)?;
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
    let ids: Vec<&str> = rows.iter().map(|(m, _, _)| m.account_id.as_str()).collect();
    let with_mfa: Vec<String> = mfa_factors::table
        .filter(mfa_factors::account_id.eq_any(&ids))
        .filter(mfa_factors::kind.eq(FactorType::Totp.name()))
        .filter(mfa_factors::status.eq(FactorState::Active.name()))
        .select(mfa_factors::account_id)
        .load(cx.conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |(m, _, _)| Cursor {
            at: m.added_at,
            id: m.account_id.clone(),
        },
        |(m, email, display_name)| Member {
            mfa_enabled: with_mfa.contains(&m.account_id),
            account_id: AccountId::from(m.account_id),
            email,
            display_name,
            role: Role::parse(&m.role),
            added_at: from_db(m.added_at),
        },
    ))
}

/// Only owners hand out, take away or touch the `owner` role.
fn may_assign(actor: Role, from: Option<Role>, to: Option<Role>) -> Result<()> {
    let touches_owner = from == Some(Role::Owner) || to == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(Error::denied_because(
            ErrorCode::InsufficientRole,
            "Only owners may grant, change or remove the owner role.",
        ));
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

/// Adds an existing account, by email, with a role.
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
        let account =
            accounts::find_by_email(cx.conn, &normalise_email(email))?.ok_or_else(|| {
                Error::invalid(vec![FieldError::new(
                    "email",
                    "unknown_account",
                    "no account has this email; the person must sign up first",
                )])
            })?;
        let member_id = AccountId::from(account.id.clone());
        if role_of(cx.conn, org_id, &member_id)?.is_some() {
            return Err(Error::denied_because(
                ErrorCode::AlreadyAMember,
                "This account is already a member of the organisation.",
            ));
        }
        diesel::insert_into(org_members::table)
            .values(&OrgMemberRow {
                org_id: org_id.to_string(),
                account_id: member_id.to_string(),
                role: role.name().into(),
                added_at: to_db(cx.now),
            })
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
        let mfa_enabled = super::mfa::active_totp(cx.conn, &member_id)?.is_some();
        Ok(Member {
            account_id: member_id,
            email: account.email,
            display_name: account.display_name,
            role,
            added_at: cx.now,
            mfa_enabled,
        })
    })
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
) -> Result<()> {
    cx.transaction(|cx| {
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
        let leaving = member == caller.account_id();
        let actor = if leaving {
            membership(cx, org_id, caller)?
        } else {
            admin(cx, org_id, caller)?
        };
        let before = member_role(cx, org_id, member)?;
        if !leaving {
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
    audit::list_org(cx.conn, org_id, page)
}
