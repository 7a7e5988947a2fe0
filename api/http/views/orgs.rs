//! The wire shape of organisations, their members and their members' MFA, and invitations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::mfa::FactorType;
use crate::service::orgs::{self, invitations, policy};

/// A member's role in an organisation.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

mirror_enum!(Role <=> orgs::Role {
    Owner,
    Admin,
    Member,
});

/// An organisation, as one of its members sees it.
#[derive(Serialize, ToSchema)]
pub struct Org {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    #[schema(example = "Acme")]
    pub name: String,
    /// The caller's role in it.
    #[schema(value_type = String, example = "owner")]
    pub role: Role,
    /// Every member must turn on MFA, within `enforcement_delay_days` of this being set (or
    /// of joining).
    pub require_mfa: bool,
    /// The grace period members get, in days (0: enrolment is forced at the next login).
    #[schema(example = 7)]
    pub enforcement_delay_days: i32,
    /// The second factors that meet the requirement. A member whose factors are all of other
    /// types is treated as having none: enrolment (offering only these) is forced at login
    /// once the deadline passes, after the member's own factor is proven.
    #[schema(example = json!(["totp", "hardware_token"]))]
    pub allowed_methods: Vec<FactorType>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<orgs::Org> for Org {
    fn from(org: orgs::Org) -> Self {
        Org {
            id: org.id.into(),
            name: org.name,
            role: org.role.into(),
            require_mfa: org.require_mfa,
            enforcement_delay_days: org.enforcement_delay_days,
            allowed_methods: org.allowed_methods.into_iter().map(Into::into).collect(),
            created_at: org.created_at,
            updated_at: org.updated_at,
        }
    }
}

/// A member, as the organisation's admins see them.
#[derive(Serialize, ToSchema)]
pub struct Member {
    pub account_id: String,
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub display_name: Option<String>,
    /// `owner`, `admin` or `member` (more may be added).
    #[schema(value_type = String, example = "member")]
    pub role: Role,
    pub added_at: DateTime<Utc>,
    pub mfa: MemberMfa,
}

impl From<orgs::Member> for Member {
    fn from(member: orgs::Member) -> Self {
        Member {
            account_id: member.account_id.into(),
            email: member.email,
            display_name: member.display_name,
            role: member.role.into(),
            added_at: member.added_at,
            mfa: member.mfa.into(),
        }
    }
}

/// Where a member's requirement comes from.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Org,
    Member,
}

mirror_enum!(Source <=> policy::Source { Org, Member });

/// A member's MFA, as the organisation's admins see it.
#[derive(Serialize, ToSchema)]
pub struct MemberMfa {
    /// True when a requirement applies.
    pub required: bool,
    /// `org` (the organisation requires MFA of everyone) or `member` (set for this member);
    /// null when nothing is required.
    #[schema(value_type = Option<String>, example = "member")]
    pub source: Option<Source>,
    /// When enrolment is forced at login, if a requirement applies.
    pub deadline: Option<DateTime<Utc>>,
    /// `not_required`, `pending` (required, no factor yet), `active` or `disabled` (turned
    /// off, nothing requires it) — more may be added.
    #[schema(example = "pending")]
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

impl From<policy::MemberMfa> for MemberMfa {
    fn from(mfa: policy::MemberMfa) -> Self {
        MemberMfa {
            required: mfa.required,
            source: mfa.source.map(Into::into),
            deadline: mfa.deadline,
            status: mfa.status,
            activated_at: mfa.activated_at,
            first_enabled_at: mfa.first_enabled_at,
            disabled_at: mfa.disabled_at,
            disabled_by: mfa.disabled_by.map(Into::into),
            factors: mfa.factors.into_iter().map(Into::into).collect(),
            recovery_codes_remaining: mfa.recovery_codes_remaining,
            managed: mfa.managed,
        }
    }
}

/// Who last turned a member's MFA off.
#[derive(Serialize, ToSchema)]
pub struct DisabledBy {
    /// `member` (the member turned it off) or `admin` (an admin reset it; more may be added).
    #[schema(example = "admin")]
    pub kind: &'static str,
    /// Who, when they belong to this organisation (or are the member); null for an admin of
    /// another organisation that manages the member.
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub account_id: Option<String>,
    #[schema(example = "it@acme.example")]
    pub email: Option<String>,
}

impl From<policy::DisabledBy> for DisabledBy {
    fn from(by: policy::DisabledBy) -> Self {
        DisabledBy {
            kind: by.kind,
            account_id: by.account_id,
            email: by.email,
        }
    }
}

/// A factor as an admin sees it: what, since when, last used.
#[derive(Serialize, ToSchema)]
pub struct FactorSummary {
    /// `totp` (more types may be added).
    #[serde(rename = "type")]
    #[schema(example = "totp")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    /// Shown only for accounts the organisation manages (null for personal members: their
    /// habits are their own).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<policy::FactorSummary> for FactorSummary {
    fn from(factor: policy::FactorSummary) -> Self {
        FactorSummary {
            kind: factor.kind,
            created_at: factor.created_at,
            last_used_at: factor.last_used_at,
        }
    }
}

/// One of the account's organisations, as the account sees it.
#[derive(Serialize, ToSchema)]
pub struct Membership {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub org_id: String,
    #[schema(example = "Acme")]
    pub name: String,
    /// `owner`, `admin` or `member` (more may be added).
    #[schema(value_type = String, example = "member")]
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    /// True when this organisation manages the account (it created it): it may reset the
    /// account's MFA, and the account cannot leave it.
    pub manages_account: bool,
}

impl From<orgs::Membership> for Membership {
    fn from(membership: orgs::Membership) -> Self {
        Membership {
            org_id: membership.org_id.into(),
            name: membership.name,
            role: membership.role.into(),
            joined_at: membership.joined_at,
            manages_account: membership.manages_account,
        }
    }
}

/// The organisation that manages an account.
#[derive(Serialize, ToSchema)]
pub struct ManagedBy {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub org_id: String,
    #[schema(example = "Acme")]
    pub name: String,
}

impl From<orgs::ManagedBy> for ManagedBy {
    fn from(managed_by: orgs::ManagedBy) -> Self {
        ManagedBy {
            org_id: managed_by.org_id.into(),
            name: managed_by.name,
        }
    }
}

/// An invitation, as the organisation's admins see it.
#[derive(Serialize, ToSchema)]
pub struct Invitation {
    #[schema(example = "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a")]
    pub id: String,
    #[schema(example = "grace@example.com")]
    pub email: String,
    /// `owner`, `admin` or `member` (more may be added).
    #[schema(value_type = String, example = "member")]
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `pending`, `accepted`, `revoked` or `expired` (more may be added).
    #[schema(example = "pending")]
    pub status: String,
    pub accepted_at: Option<DateTime<Utc>>,
}

impl From<invitations::Invitation> for Invitation {
    fn from(invitation: invitations::Invitation) -> Self {
        Invitation {
            id: invitation.id,
            email: invitation.email,
            role: invitation.role.into(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            status: invitation.status,
            accepted_at: invitation.accepted_at,
        }
    }
}

/// The organisation an accepted invitation joined, as the new member sees it.
#[derive(Serialize, ToSchema)]
pub struct Joined {
    pub org_id: String,
    pub name: String,
    #[schema(value_type = String, example = "member")]
    pub role: Role,
}

impl From<invitations::Joined> for Joined {
    fn from(joined: invitations::Joined) -> Self {
        Joined {
            org_id: joined.org_id.into(),
            name: joined.name,
            role: joined.role.into(),
        }
    }
}
