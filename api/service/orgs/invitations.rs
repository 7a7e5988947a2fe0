//! Invitations: membership is consent. An organisation invites an email address with a role;
//! the account with that address accepts it signed in (it stays personal: the organisation
//! may require MFA of it and see its MFA status, nothing more), or someone without an account
//! accepts it by choosing a password, and gets an account the organisation manages.
//!
//! The token (`tsn_…`) is sent only to the invited address and stored as a digest; it lives 7
//! days and is accepted once. Making a new one (resending, or inviting the address again)
//! ends the old one.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::{Role, admin, may_assign, member_row, org_row, role_of, with_proof};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::models::AccountRow;
use crate::db::schema::{accounts as account_rows, org_invitations, org_members};
use crate::db::{from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{self, normalise_email};
use crate::service::audit::{self, AuditAction};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, FieldError, Result};
use crate::service::history::{self, Attempt, LoginMethod};
use crate::service::ids::{AccountId, OrgId, row_id};
use crate::service::login::LoginOutcome;
use crate::service::mfa::step_up::Confirmation;
use crate::service::mfa::tickets;
use crate::service::outbox::{self, Channel, Content};
use crate::service::pagination::{Cursor, Page, PageRequest, page_from};
use crate::service::passwords;
use crate::service::secret::Secret;
use crate::service::sessions::{self, Aal, Caller};

const TOKEN_PREFIX: &str = "tsn_";

pub fn lifetime() -> Duration {
    Duration::days(7)
}

/// Invitations one account may send in an hour, over all its organisations: anyone can make
/// an organisation, so invitations must not become a way to mail strangers in bulk.
const PER_INVITER_PER_HOUR: i64 = 50;
/// Invitations one address may receive in an hour, from every organisation together.
const PER_ADDRESS_PER_HOUR: i64 = 5;

/// Refuses (429 `rate_limited`) an invitation past either hourly cap. Counted from the
/// invitations themselves, which no user action deletes (revoking only marks them).
fn within_sending_caps(cx: &mut Context<'_>, inviter: &AccountId, email: &str) -> Result<()> {
    let since = to_db(cx.now - Duration::hours(1));
    let by_inviter: i64 = org_invitations::table
        .filter(org_invitations::invited_by.eq(inviter.as_str()))
        .filter(org_invitations::created_at.gt(since))
        .count()
        .get_result(cx.conn)?;
    let to_address: i64 = org_invitations::table
        .filter(org_invitations::email.eq(email))
        .filter(org_invitations::created_at.gt(since))
        .count()
        .get_result(cx.conn)?;
    if by_inviter >= PER_INVITER_PER_HOUR || to_address >= PER_ADDRESS_PER_HOUR {
        return Err(crate::service::rate_limit::refusal(
            chrono::Duration::hours(1),
            "Too many invitations in the last hour; try again later.",
        ));
    }
    Ok(())
}

/// An invitation, as the organisation's admins see it.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    /// `owner`, `admin` or `member` (more may be added).
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `pending`, `accepted`, `revoked` or `expired` (more may be added).
    pub status: String,
    pub accepted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = org_invitations)]
struct InvitationRow {
    id: String,
    org_id: String,
    email: String,
    role: String,
    created_at: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
    accepted_at: Option<chrono::NaiveDateTime>,
    revoked_at: Option<chrono::NaiveDateTime>,
    invited_by: Option<String>,
}

impl InvitationRow {
    fn status(&self, now: DateTime<Utc>) -> &'static str {
        if self.accepted_at.is_some() {
            "accepted"
        } else if self.revoked_at.is_some() {
            "revoked"
        } else if from_db(self.expires_at) <= now {
            "expired"
        } else {
            "pending"
        }
    }

    fn view(self, now: DateTime<Utc>) -> Invitation {
        Invitation {
            status: self.status(now).into(),
            role: Role::parse(&self.role),
            id: self.id,
            email: self.email,
            created_at: from_db(self.created_at),
            expires_at: from_db(self.expires_at),
            accepted_at: self.accepted_at.map(from_db),
        }
    }
}

/// Ends the address's pending invitations to the organisation (a new one replaces them).
fn end_pending(cx: &mut Context<'_>, org_id: &OrgId, email: &str) -> Result<usize> {
    Ok(diesel::update(
        org_invitations::table
            .filter(org_invitations::org_id.eq(org_id.as_str()))
            .filter(org_invitations::email.eq(email))
            .filter(org_invitations::accepted_at.is_null())
            .filter(org_invitations::revoked_at.is_null()),
    )
    .set(org_invitations::revoked_at.eq(Some(to_db(cx.now))))
    .execute(cx.conn)?)
}

/// Writes a fresh invitation and queues its email; returns it.
fn issue(
    cx: &mut Tx<'_>,
    caller: &Caller,
    org_id: &OrgId,
    email: &str,
    role: Role,
) -> Result<Invitation> {
    within_sending_caps(cx, caller.account_id(), email)?;
    end_pending(cx, org_id, email)?;
    let token = Secret::new(random_token(TOKEN_PREFIX));
    let row = InvitationRow {
        id: row_id(),
        org_id: org_id.to_string(),
        email: email.to_string(),
        role: role.name().into(),
        created_at: to_db(cx.now),
        expires_at: to_db(cx.now + lifetime()),
        accepted_at: None,
        revoked_at: None,
        invited_by: Some(caller.account_id().to_string()),
    };
    diesel::insert_into(org_invitations::table)
        .values((
            org_invitations::id.eq(&row.id),
            org_invitations::org_id.eq(&row.org_id),
            org_invitations::email.eq(&row.email),
            org_invitations::role.eq(&row.role),
            org_invitations::token_digest.eq(token_digest(token.expose())),
            org_invitations::invited_by.eq(&row.invited_by),
            org_invitations::created_at.eq(row.created_at),
            org_invitations::expires_at.eq(row.expires_at),
        ))
        .execute(cx.conn)?;
    let org = org_row(cx.conn, org_id)?;
    let link = cx.env.invite_link.replace("{token}", token.expose());
    let inviter = &caller.account.email;
    let content = Content {
        subject: Some(format!("You are invited to join {}", org.name)),
        text: format!(
            "{inviter} invites you to join {} as {} {}.\n\n\
             To accept, open this link within 7 days:\n{link}\n\n\
             By joining, you agree that the organisation may require you to use two-factor \
             authentication and may see whether you do. If you did not expect this, ignore \
             this email.\n",
            org.name,
            if role == Role::Admin { "an" } else { "a" },
            role.name(),
        ),
        to: None,
    };
    outbox::enqueue(cx, Channel::Email, email, "invitation", &content)?;
    let me = caller.account_id();
    let details = serde_json::json!({"invitation_id": row.id, "email": email, "role": role.name()});
    audit::record_in_org(
        cx,
        org_id,
        me,
        me,
        AuditAction::InvitationCreated,
        Some(details),
    )?;
    Ok(row.view(cx.now))
}

/// Invites an address (owners and admins; only owners invite owners and admins). A pending
/// invitation of the same address is replaced.
pub fn create(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    email: &str,
    role: Role,
    confirmation: Confirmation,
) -> Result<Invitation> {
    let email = normalise_email(email);
    if let Some(problem) = accounts::check_email(&email) {
        return Err(Error::invalid(vec![problem]));
    }
    let actor = admin(cx, org_id, caller)?;
    may_assign(actor, None, Some(role))?;
    // An invitation to an owner or admin grants power over others: it asks for the proof.
    with_proof(cx, caller, confirmation, role.manages(), |cx| {
        let actor = admin(cx, org_id, caller)?;
        may_assign(actor, None, Some(role))?;
        if let Some(account) = accounts::find_by_email(cx.conn, &email)?
            && role_of(cx.conn, org_id, &AccountId::from(account.id))?.is_some()
        {
            return Err(Error::denied_because(
                ErrorCode::AlreadyAMember,
                "This account is already a member of the organisation.",
            ));
        }
        issue(cx, caller, org_id, &email, role)
    })
}

fn invitation_in(cx: &mut Context<'_>, org_id: &OrgId, id: &str) -> Result<InvitationRow> {
    org_invitations::table
        .filter(org_invitations::id.eq(id))
        .filter(org_invitations::org_id.eq(org_id.as_str()))
        .select(InvitationRow::as_select())
        .first(cx.conn)
        .optional()?
        .ok_or_else(super::not_found)
}

/// Sends a pending (or expired) invitation again with a new token; the old token dies.
pub fn resend(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    id: &str,
) -> Result<Invitation> {
    cx.transaction(|cx| {
        let actor = admin(cx, org_id, caller)?;
        let row = invitation_in(cx, org_id, id)?;
        let role = Role::parse(&row.role);
        may_assign(actor, None, Some(role))?;
        if row.accepted_at.is_some() || row.revoked_at.is_some() {
            return Err(invalid());
        }
        issue(cx, caller, org_id, &row.email, role)
    })
}

/// Revokes an invitation: its token no longer joins anyone.
pub fn revoke(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId, id: &str) -> Result<()> {
    cx.transaction(|cx| {
        let actor = admin(cx, org_id, caller)?;
        let row = invitation_in(cx, org_id, id)?;
        may_assign(actor, None, Some(Role::parse(&row.role)))?;
        if row.accepted_at.is_some() || row.revoked_at.is_some() {
            return Ok(());
        }
        diesel::update(org_invitations::table.find(&row.id))
            .set(org_invitations::revoked_at.eq(Some(to_db(cx.now))))
            .execute(cx.conn)?;
        let me = caller.account_id();
        let details = serde_json::json!({"invitation_id": row.id, "email": row.email});
        audit::record_in_org(
            cx,
            org_id,
            me,
            me,
            AuditAction::InvitationRevoked,
            Some(details),
        )
    })
}

/// The organisation's invitations, newest first (owners and admins).
pub fn list(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    page: &PageRequest,
) -> Result<Page<Invitation>> {
    admin(cx, org_id, caller)?;
    let rows = crate::keyset_page!(
        org_invitations::table
            .filter(org_invitations::org_id.eq(org_id.as_str()))
            .select(InvitationRow::as_select()),
        org_invitations::created_at,
        org_invitations::id,
        page
    )
    .load::<InvitationRow>(cx.conn)?;
    let now = cx.now;
    Ok(page_from(
        rows,
        page.limit,
        |r| Cursor::new(r.created_at, &r.id),
        |r| r.view(now),
    ))
}

fn invalid() -> Error {
    Error::denied(ErrorCode::InvitationInvalid)
}

/// The live invitation a token stands for: 404 `invitation_invalid` when unknown, revoked or
/// accepted; 410 `invitation_expired` after 7 days.
fn live(cx: &mut Context<'_>, token: &Secret) -> Result<InvitationRow> {
    let (conn, now) = (&mut *cx.conn, cx.now);
    let text = token.expose();
    if !text.starts_with(TOKEN_PREFIX) || text.len() > 128 {
        return Err(invalid());
    }
    let row = org_invitations::table
        .filter(org_invitations::token_digest.eq(token_digest(text)))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(invalid)?;
    match row.status(now) {
        "pending" => Ok(row),
        "expired" => Err(Error::denied(ErrorCode::InvitationExpired)),
        _ => Err(invalid()),
    }
}

/// Marks the invitation accepted; false when another acceptance won the race.
fn claim(cx: &mut Context<'_>, row: &InvitationRow, by: &AccountId) -> Result<bool> {
    let claimed = diesel::update(
        org_invitations::table
            .find(&row.id)
            .filter(org_invitations::accepted_at.is_null())
            .filter(org_invitations::revoked_at.is_null()),
    )
    .set((
        org_invitations::accepted_at.eq(Some(to_db(cx.now))),
        org_invitations::accepted_by.eq(Some(by.as_str())),
    ))
    .execute(cx.conn)?;
    Ok(claimed == 1)
}

/// Makes the account a member by the invitation, in the caller's transaction.
fn join(cx: &mut Tx<'_>, row: &InvitationRow, account_id: &AccountId) -> Result<()> {
    let org_id = OrgId::from(row.org_id.clone());
    let role = Role::parse(&row.role);
    // An invitation carries its sender's authority, as it is now: one from someone who has
    // since left, been removed or demoted below what it grants is void (else a removed owner
    // could return through an invitation sent before).
    let sender = match &row.invited_by {
        Some(id) => role_of(cx.conn, &org_id, &AccountId::from(id.clone()))?,
        None => None,
    };
    if !sender
        .is_some_and(|sender| sender.manages() && may_assign(sender, None, Some(role)).is_ok())
    {
        return Err(invalid());
    }
    if !claim(cx, row, account_id)? {
        return Err(invalid());
    }
    diesel::insert_into(org_members::table)
        .values(member_row(&org_id, account_id, role, cx.now))
        .execute(cx.conn)?;
    // The token came to this address: it is proven.
    accounts::mark_email_verified(cx, account_id, "invitation")?;
    let details =
        serde_json::json!({"role": role.name(), "via": "invitation", "invitation_id": row.id});
    audit::record_in_org(
        cx,
        &org_id,
        account_id,
        account_id,
        AuditAction::MembershipAdded,
        Some(details),
    )
}

/// The organisation an accepted invitation joined, as the new member sees it.
#[derive(Debug, Clone)]
pub struct Joined {
    pub org_id: OrgId,
    pub name: String,
    pub role: Role,
}

/// Accepts an invitation as the signed-in account it names: it joins (and its address is
/// proven). 403 `invitation_for_another_account` when the addresses differ.
pub fn accept_signed_in(cx: &mut Context<'_>, caller: &Caller, token: &Secret) -> Result<Joined> {
    cx.transaction(|cx| {
        let row = live(cx, token)?;
        if normalise_email(&caller.account.email) != row.email {
            return Err(Error::denied(ErrorCode::InvitationForAnotherAccount));
        }
        let org_id = OrgId::from(row.org_id.clone());
        if role_of(cx.conn, &org_id, caller.account_id())?.is_some() {
            return Err(Error::denied_because(
                ErrorCode::AlreadyAMember,
                "This account is already a member of the organisation.",
            ));
        }
        join(cx, &row, caller.account_id())?;
        let org = org_row(cx.conn, &org_id)?;
        Ok(Joined {
            org_id,
            name: org.name,
            role: Role::parse(&row.role),
        })
    })
}

/// What someone without an account sends to accept an invitation.
pub struct NewMember {
    pub password: Secret,
    pub display_name: Option<String>,
}

/// The cheap checks made before a password is hashed for a new member: the token is live,
/// no account has the address (409 `sign_in_required`), the password is acceptable.
pub fn check_new_member(cx: &mut Context<'_>, token: &Secret, new: &NewMember) -> Result<()> {
    let row = live(cx, token)?;
    if accounts::find_by_email(cx.conn, &row.email)?.is_some() {
        return Err(Error::denied(ErrorCode::SignInRequired));
    }
    let mut errors: Vec<FieldError> =
        passwords::problem_with_new("password", new.password.expose(), &row.email)
            .into_iter()
            .collect();
    if let Some(name) = &new.display_name {
        errors.extend(accounts::check_display_name(name));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(errors))
    }
}

/// Accepts an invitation for an address that has no account: creates the account, managed by
/// the organisation, with the address proven, and signs it in as a password login would —
/// or, when the organisation requires MFA with no grace period, asks for enrolment first.
/// Call [`check_new_member`] first.
pub fn accept_as_new_account(
    cx: &mut Context<'_>,
    token: &Secret,
    new: NewMember,
) -> Result<LoginOutcome> {
    let password_hash = cx.env.hasher.hash(new.password.expose())?;
    cx.transaction(|cx| {
        let row = live(cx, token)?;
        if accounts::find_by_email(cx.conn, &row.email)?.is_some() {
            return Err(Error::denied(ErrorCode::SignInRequired));
        }
        let now = to_db(cx.now);
        let account_id = AccountId::generate();
        let account = AccountRow {
            id: account_id.to_string(),
            email: row.email.clone(),
            password_hash,
            display_name: new
                .display_name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            phone: None,
            whatsapp_number: None,
            password_changed_at: now,
            created_at: now,
            updated_at: now,
            mfa_disabled_at: None,
            mfa_first_enabled_at: None,
            mfa_disabled_by: None,
            frozen_at: None,
            whatsapp_verified_at: None,
            // The invitation came to this address: it is proven.
            email_verified_at: Some(now),
            managed_by_org_id: Some(row.org_id.clone()),
        };
        let inserted = crate::on_backend!(&mut *cx.conn, |inner| diesel::insert_into(
            account_rows::table
        )
        .values(&account)
        .on_conflict_do_nothing()
        .execute(inner))?;
        if inserted != 1 {
            // A sign-up with the address committed meanwhile.
            return Err(Error::denied(ErrorCode::SignInRequired));
        }
        let details = serde_json::json!({"method": "invitation", "org_id": row.org_id});
        audit::record(cx, &account_id, AuditAction::AccountCreated, Some(details))?;
        join(cx, &row, &account_id)?;
        sign_in(cx, account, &account_id)
    })
}

/// The new member's first sign-in: enrolment first when its organisation's deadline is now,
/// else a session carrying any deadline.
fn sign_in(cx: &mut Tx<'_>, account: AccountRow, account_id: &AccountId) -> Result<LoginOutcome> {
    let deadline = super::policy::enrollment_deadline(cx.conn, account_id)?;
    if deadline.is_some_and(|deadline| deadline <= cx.now) {
        return Ok(LoginOutcome::MfaEnrollmentRequired {
            enrollment: tickets::issue(cx, account_id, LoginMethod::Password)?,
        });
    }
    let session = sessions::issue_signed_in(
        cx,
        account_id,
        sessions::SignIn {
            aal: Aal::Aal1,
            first: LoginMethod::Password,
            second_factor: None,
            mfa_enrollment_deadline: deadline,
            idp_amr: None,
        },
    )?;
    history::record(
        cx,
        Attempt {
            account_id: Some(account_id),
            email: &account.email,
            method: LoginMethod::Password,
            failure: None,
            second_factor: None,
        },
    )?;
    Ok(LoginOutcome::Authenticated {
        account: accounts::Account::from(account),
        session,
    })
}
