//! Who a provider's sign-in is here. Identities belong to the organisation whose provider
//! vouched for them: (organisation, issuer, subject). A sign-in through one organisation's
//! provider never finds an identity linked under another, whatever the issuer.
//!
//! A provider is trusted for emails at its organisation's verified domains only (the
//! organisation proved it holds them): there, an identity without a link is linked to the
//! account with that email when the account's address was proven (`email_verified_at`), or a
//! new account is provisioned when the organisation allows it. An account whose address was
//! never proven may have been made by someone else before the domain was verified: it is not
//! taken over (409 `sso_link_required`: its owner signs in and links, or resets the password
//! by email first). Elsewhere, accounts link themselves, signed in (`POST /v1/me/sso/link`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::id_token::VerifiedIdentity;
use super::settings::Provider;
use super::{NO_PASSWORD, has_no_password};
use crate::db::models::AccountRow;
use crate::db::schema::{accounts, org_members, org_sso, orgs as org_rows, sso_identities};
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{self as account_service, find_by_email, normalise_email};
use crate::service::audit::{self, AuditAction};
use crate::service::context::{Context, Tx};
use crate::service::error::{Error, Result};
use crate::service::ids::{AccountId, OrgId, row_id};
use crate::service::mfa::step_up::{self, Proof, Requirement};
use crate::service::orgs::{self, Role, domains};
use crate::service::outbox::{self, Channel, Content};
use crate::service::pagination::{Cursor, Page, PageRequest, page_from};
use crate::service::sessions::Caller;

fn not_provisioned(detail: &str) -> Error {
    Error::denied_because(ErrorCode::SsoAccountNotProvisioned, detail)
}

/// The account the provider's `identity` signs in. Call inside a transaction.
pub fn resolve(
    cx: &mut Tx<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    link_to: Option<&AccountId>,
) -> Result<AccountId> {
    if let Some(account_id) = linked_account(cx.conn, &provider.org_id, identity)? {
        if link_to.is_some_and(|wanted| *wanted != account_id) {
            return Err(linked_elsewhere());
        }
        diesel::update(
            sso_identities::table
                .filter(sso_identities::org_id.eq(provider.org_id.as_str()))
                .filter(sso_identities::issuer.eq(&identity.issuer))
                .filter(sso_identities::subject.eq(&identity.subject)),
        )
        .set(sso_identities::last_login_at.eq(to_db(cx.now)))
        .execute(cx.conn)?;
        return Ok(account_id);
    }
    if let Some(account_id) = link_to {
        // Checked when the link started; the membership or the domain may have gone since.
        let account = account_service::get(cx.conn, account_id)?;
        check_may_link(cx.conn, &provider.org_id, &account)?;
        return link_account(cx, provider, identity, &account, "link");
    }
    let email = trusted_email(provider, identity)?;
    match find_by_email(cx.conn, &email)? {
        Some(account) => auto_link(cx, provider, identity, &account),
        None => provision(cx, provider, identity, email),
    }
}

/// The provider's email, when the provider is trusted for it: at one of the organisation's
/// verified domains, and not said to be unverified. (At a verified domain the organisation
/// holds the mailboxes, so a provider that sends no `email_verified`, as Entra ID does not,
/// is believed.)
fn trusted_email(provider: &Provider, identity: &VerifiedIdentity) -> Result<String> {
    let email = identity.email.as_deref().map(normalise_email);
    match email {
        Some(email) if provider.vouches_for(&email) && identity.email_verified != Some(false) => {
            Ok(email)
        }
        _ => Err(not_provisioned(
            "No account is linked to this identity, and the identity provider gave no verified \
             email at a verified domain of the organisation.",
        )),
    }
}

fn linked_account(
    conn: &mut DbConnection,
    org_id: &OrgId,
    identity: &VerifiedIdentity,
) -> Result<Option<AccountId>> {
    Ok(sso_identities::table
        .filter(sso_identities::org_id.eq(org_id.as_str()))
        .filter(sso_identities::issuer.eq(&identity.issuer))
        .filter(sso_identities::subject.eq(&identity.subject))
        .select(sso_identities::account_id)
        .first::<String>(conn)
        .optional()?
        .map(AccountId::from))
}

fn linked_elsewhere() -> Error {
    Error::denied_because(
        ErrorCode::SsoIdentityLinkedElsewhere,
        "This identity at the provider signs in another account.",
    )
}

/// What linking an account to the organisation's provider needs besides the account's
/// confirmation: membership (404 otherwise, as for anyone outside), and the account's email at
/// a verified domain of the organisation (409 `domain_not_verified`).
pub fn check_may_link(conn: &mut DbConnection, org_id: &OrgId, account: &AccountRow) -> Result<()> {
    let member: i64 = org_members::table
        .find((org_id.as_str(), account.id.as_str()))
        .count()
        .get_result(conn)?;
    if member == 0 {
        return Err(Error::denied(ErrorCode::NotFound));
    }
    if !domains::verified_for_email(conn, org_id, &account.email)? {
        return Err(Error::denied_because(
            ErrorCode::DomainNotVerified,
            "The account's email is not at a verified domain of this organisation: only those \
             accounts sign in through its identity provider.",
        ));
    }
    Ok(())
}

/// Links the identity to the account; false when a concurrent sign-in linked it first.
fn link(
    cx: &mut Context<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    account_id: &AccountId,
) -> Result<bool> {
    let values = (
        sso_identities::id.eq(row_id()),
        sso_identities::account_id.eq(account_id.as_str()),
        sso_identities::org_id.eq(provider.org_id.as_str()),
        sso_identities::issuer.eq(&identity.issuer),
        sso_identities::subject.eq(&identity.subject),
        sso_identities::created_at.eq(to_db(cx.now)),
        sso_identities::last_login_at.eq(to_db(cx.now)),
    );
    // Two first sign-ins of one person at once (PostgreSQL runs them side by side): one
    // links, the other finds the link.
    let inserted = crate::on_backend!(&mut *cx.conn, |inner| diesel::insert_into(
        sso_identities::table
    )
    .values(values.clone())
    .on_conflict_do_nothing()
    .execute(inner))?;
    Ok(inserted == 1)
}

/// Links the identity to `account`, audited (`sso.linked`) and told to the account by email.
fn link_account(
    cx: &mut Tx<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    account: &AccountRow,
    via: &str,
) -> Result<AccountId> {
    let account_id = AccountId::from(account.id.clone());
    if !link(cx, provider, identity, &account_id)? {
        // Linked by a sign-in that committed first: to this account, or to another.
        return match linked_account(cx.conn, &provider.org_id, identity)? {
            Some(linked) if linked == account_id => Ok(linked),
            _ => Err(linked_elsewhere()),
        };
    }
    let org_name = org_name(cx.conn, &provider.org_id)?;
    let details = serde_json::json!({
        "org_id": provider.org_id.as_str(), "issuer": identity.issuer, "via": via,
    });
    audit::record_in_org(
        cx,
        &provider.org_id,
        &account_id,
        &account_id,
        AuditAction::SsoLinked,
        Some(details),
    )?;
    let content = Content {
        subject: Some("Single sign-on was linked to your account".into()),
        text: format!(
            "Your account ({}) can now be signed in through the identity provider of {org_name} \
             ({}).\n\nIf it was not you, reset your password at once: a reset ends links to \
             organisations that do not manage your account.\n",
            account.email, identity.issuer
        ),
        to: None,
    };
    outbox::enqueue(cx, Channel::Email, &account.email, "sso_linked", &content)?;
    Ok(account_id)
}

fn org_name(conn: &mut DbConnection, org_id: &OrgId) -> Result<String> {
    Ok(org_rows::table
        .find(org_id.as_str())
        .select(org_rows::name)
        .first(conn)?)
}

/// An existing account with the provider's (trusted) email: linked when its address was
/// proven; refused when it was not (409 `sso_link_required`: perhaps made by someone else
/// before the domain was verified), or when another organisation manages it (409
/// `sso_account_exists`).
fn auto_link(
    cx: &mut Tx<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    account: &AccountRow,
) -> Result<AccountId> {
    // Perhaps made a moment ago by this person's own first sign-in running at the same time
    // (PostgreSQL: committed after this transaction's first look, with its link).
    if let Some(linked) = linked_account(cx.conn, &provider.org_id, identity)? {
        return Ok(linked);
    }
    if account
        .managed_by_org_id
        .as_deref()
        .is_some_and(|manager| manager != provider.org_id.as_str())
    {
        return Err(Error::denied_because(
            ErrorCode::SsoAccountExists,
            "An account with this email exists, managed by another organisation.",
        ));
    }
    if account.email_verified_at.is_none() {
        return Err(link_required());
    }
    link_account(cx, provider, identity, account, "sign_in")
}

fn link_required() -> Error {
    Error::denied(ErrorCode::SsoLinkRequired)
}

/// A new account for a person the provider vouches for at a verified domain, when the
/// organisation allows it (`auto_provision`). It has no password, its email is verified, the
/// organisation manages it, and it joins as a member.
fn provision(
    cx: &mut Tx<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    email: String,
) -> Result<AccountId> {
    if !provider.auto_provision {
        return Err(not_provisioned(
            "No account is linked to this identity, and the organisation does not create accounts at sign-in.",
        ));
    }
    let now = to_db(cx.now);
    let account_id = AccountId::generate();
    let row = AccountRow {
        id: account_id.to_string(),
        email,
        password_hash: NO_PASSWORD.to_string(),
        display_name: None,
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
        // The organisation holds the domain, and its provider vouched for the address.
        email_verified_at: Some(now),
        managed_by_org_id: Some(provider.org_id.to_string()),
    };
    let created = crate::on_backend!(&mut *cx.conn, |inner| diesel::insert_into(accounts::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(inner))?;
    if created != 1 {
        // The email was taken meanwhile: by this person's own first sign-in running at the
        // same time (then it is linked), or by a sign-up.
        return linked_account(cx.conn, &provider.org_id, identity)?.ok_or_else(link_required);
    }
    diesel::insert_into(org_members::table)
        .values(orgs::member_row(
            &provider.org_id,
            &account_id,
            Role::Member,
            cx.now,
        ))
        .execute(cx.conn)?;
    if !link(cx, provider, identity, &account_id)? {
        return Err(linked_elsewhere());
    }
    let details = serde_json::json!({"method": "sso", "org_id": provider.org_id.as_str()});
    audit::record(cx, &account_id, AuditAction::AccountCreated, Some(details))?;
    audit::record_in_org(
        cx,
        &provider.org_id,
        &account_id,
        &account_id,
        AuditAction::MembershipAdded,
        Some(serde_json::json!({"role": "member", "via": "sso"})),
    )?;
    Ok(account_id)
}

/// Whether `account` signs in only at `org_id`'s provider: it has no password of its own, or
/// it is linked to that organisation.
pub fn signs_in_only_at(
    conn: &mut DbConnection,
    account: &AccountRow,
    org_id: &OrgId,
) -> Result<bool> {
    if has_no_password(&account.password_hash) {
        return Ok(true);
    }
    let links: i64 = sso_identities::table
        .filter(sso_identities::account_id.eq(&account.id))
        .filter(sso_identities::org_id.eq(org_id.as_str()))
        .count()
        .get_result(conn)?;
    Ok(links > 0)
}

/// The organisation whose provider holds the password of an account without one of its own:
/// such an account cannot set or reset a password while that organisation has SSO on.
pub fn password_managed_by(conn: &mut DbConnection, account: &AccountRow) -> Result<Option<OrgId>> {
    if !has_no_password(&account.password_hash) {
        return Ok(None);
    }
    let linked_orgs = sso_identities::table
        .filter(sso_identities::account_id.eq(&account.id))
        .select(sso_identities::org_id);
    Ok(org_sso::table
        .filter(org_sso::org_id.eq_any(linked_orgs))
        .select(org_sso::org_id)
        .first::<String>(conn)
        .optional()?
        .map(OrgId::from))
}

/// 409 `password_managed_by_idp`.
pub fn password_managed_by_idp() -> Error {
    Error::denied_because(
        ErrorCode::PasswordManagedByIdp,
        "This account signs in at its organisation's identity provider, which keeps its password.",
    )
}

/// One of the account's links to an organisation's identity provider.
#[derive(Debug, Clone)]
pub struct SsoIdentity {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    /// The provider's issuer.
    pub issuer: String,
    pub linked_at: DateTime<Utc>,
    /// The latest sign-in through this link.
    pub last_used_at: DateTime<Utc>,
}

/// The account's links, newest first, a page at a time.
pub fn list(
    conn: &mut DbConnection,
    account_id: &AccountId,
    page: &PageRequest,
) -> Result<Page<SsoIdentity>> {
    type Row = (
        String,
        String,
        String,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    let rows: Vec<Row> = crate::keyset_page!(
        sso_identities::table
            .inner_join(org_rows::table)
            .filter(sso_identities::account_id.eq(account_id.as_str()))
            .select((
                sso_identities::id,
                sso_identities::org_id,
                org_rows::name,
                sso_identities::issuer,
                sso_identities::created_at,
                sso_identities::last_login_at,
            )),
        sso_identities::created_at,
        sso_identities::id,
        page
    )
    .load(conn)?;
    Ok(page_from(
        rows,
        page.limit,
        |row| Cursor::new(row.4, &row.0),
        |(id, org_id, org_name, issuer, linked_at, last_used_at)| SsoIdentity {
            id,
            org_id,
            org_name,
            issuer,
            linked_at: from_db(linked_at),
            last_used_at: from_db(last_used_at),
        },
    ))
}

/// Removes one of the caller's links, confirmed like any new way in (the password, and a code
/// once MFA is on). 404 for a link that is not the caller's; 409 `password_managed_by_idp` for
/// the managing organisation's link of an account without a password (its only way in).
/// Audited (`sso.unlinked`) and told to the account by email.
pub fn unlink(
    cx: &mut Context<'_>,
    caller: &Caller,
    identity_id: &str,
    proof: &Proof,
) -> Result<()> {
    let account_id = caller.account_id();
    let account = account_service::get(cx.conn, account_id)?;
    let row: Option<(String, String)> = sso_identities::table
        .find(identity_id)
        .filter(sso_identities::account_id.eq(account_id.as_str()))
        .select((sso_identities::org_id, sso_identities::issuer))
        .first(cx.conn)
        .optional()?;
    let (org_id, issuer) = row.ok_or_else(|| Error::denied(ErrorCode::NotFound))?;
    if has_no_password(&account.password_hash)
        && account.managed_by_org_id.as_deref() == Some(org_id.as_str())
    {
        return Err(Error::denied_because(
            ErrorCode::PasswordManagedByIdp,
            "This account has no password: it signs in through its organisation's identity \
             provider, so that link stays.",
        ));
    }
    step_up::confirm(
        cx,
        account_id,
        proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
        |cx, confirmed| {
            let removed = diesel::delete(
                sso_identities::table
                    .find(identity_id)
                    .filter(sso_identities::account_id.eq(account_id.as_str())),
            )
            .execute(cx.conn)?;
            if removed == 0 {
                return Err(Error::denied(ErrorCode::NotFound));
            }
            let org_id = OrgId::from(org_id.clone());
            let details = serde_json::json!({
                "org_id": org_id.as_str(), "issuer": issuer,
                "second_factor": confirmed.second_factor.map(|f| f.name()),
            });
            audit::record_in_org(
                cx,
                &org_id,
                account_id,
                account_id,
                AuditAction::SsoUnlinked,
                Some(details),
            )?;
            let org_name = org_name(cx.conn, &org_id)?;
            let content = Content {
                subject: Some("Single sign-on was unlinked from your account".into()),
                text: format!(
                    "Your account ({}) can no longer be signed in through the identity provider \
                     of {org_name} ({issuer}).\n\nIf it was not you, change your password and \
                     review your sessions.\n",
                    account.email
                ),
                to: None,
            };
            outbox::enqueue(cx, Channel::Email, &account.email, "sso_unlinked", &content)?;
            Ok(())
        },
    )
}

/// Ends the account's links to organisations that do not manage it (a password reset: the
/// ways in the owner did not re-prove). Call in the reset's transaction; returns how many.
pub fn end_foreign_links(cx: &mut Context<'_>, account: &AccountRow) -> Result<usize> {
    let foreign = sso_identities::table.filter(sso_identities::account_id.eq(&account.id));
    Ok(match &account.managed_by_org_id {
        Some(manager) => {
            diesel::delete(foreign.filter(sso_identities::org_id.ne(manager))).execute(cx.conn)?
        }
        None => diesel::delete(foreign).execute(cx.conn)?,
    })
}
