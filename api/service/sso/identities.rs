//! Who a provider's sign-in is here: the account linked to its (issuer, subject); for a new
//! person, an account provisioned when the organisation allows it. An existing account is
//! never taken over by email alone: an organisation's provider can say any email, so an
//! account with a password links its identity itself, signed in (`POST /v1/me/sso/link`).

use diesel::prelude::*;

use super::id_token::VerifiedIdentity;
use super::settings::{self, Provider, domain_of};
use super::{NO_PASSWORD, has_no_password};
use crate::db::models::AccountRow;
use crate::db::schema::{accounts, org_members, org_sso, sso_identities};
use crate::db::{DbConnection, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{find_by_email, normalise_email};
use crate::service::audit::{self, AuditAction};
use crate::service::context::Context;
use crate::service::error::{Error, Result};
use crate::service::ids::{AccountId, OrgId, row_id};
use crate::service::orgs::{self, Role};

fn not_provisioned(detail: &str) -> Error {
    Error::denied_because(ErrorCode::SsoAccountNotProvisioned, detail)
}

/// The account the provider's `identity` signs in. Call inside a transaction.
pub fn resolve(
    cx: &mut Context<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
    link_to: Option<&AccountId>,
) -> Result<AccountId> {
    if let Some(account_id) = linked_account(cx.conn, identity)? {
        if link_to.is_some_and(|wanted| *wanted != account_id) {
            return Err(linked_elsewhere());
        }
        diesel::update(
            sso_identities::table
                .filter(sso_identities::issuer.eq(&identity.issuer))
                .filter(sso_identities::subject.eq(&identity.subject)),
        )
        .set(sso_identities::last_login_at.eq(to_db(cx.now)))
        .execute(cx.conn)?;
        return Ok(account_id);
    }
    if let Some(account_id) = link_to {
        if !link(cx, provider, identity, account_id)? {
            // Linked by a sign-in that committed first: to this account, or to another.
            return match linked_account(cx.conn, identity)? {
                Some(linked) if linked == *account_id => Ok(linked),
                _ => Err(linked_elsewhere()),
            };
        }
        let details = serde_json::json!({"issuer": identity.issuer});
        audit::record(cx, account_id, AuditAction::SsoLinked, Some(details))?;
        return Ok(account_id.clone());
    }
    provision(cx, provider, identity)
}

fn linked_account(
    conn: &mut DbConnection,
    identity: &VerifiedIdentity,
) -> Result<Option<AccountId>> {
    Ok(sso_identities::table
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

/// A new account for a person the provider vouches for: only with `auto_provision` on, a
/// verified email, at one of the organisation's domains, that no account has yet. It has no
/// password and joins the organisation as a member.
fn provision(
    cx: &mut Context<'_>,
    provider: &Provider,
    identity: &VerifiedIdentity,
) -> Result<AccountId> {
    if !provider.auto_provision {
        return Err(not_provisioned(
            "No account is linked to this identity, and the organisation does not create accounts at sign-in.",
        ));
    }
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
        .map(normalise_email)
        .ok_or_else(|| {
            not_provisioned("The identity provider did not give a verified email address.")
        })?;
    let domain_matches =
        domain_of(&email).is_some_and(|d| provider.email_domains.iter().any(|ours| ours == d));
    if !domain_matches {
        return Err(not_provisioned(
            "The email's domain is not one the organisation signs in.",
        ));
    }
    let account_exists = || {
        Error::denied_because(
            ErrorCode::SsoAccountExists,
            "An account with this email exists: sign in with its password, then link the identity provider (POST /v1/me/sso/link).",
        )
    };
    if find_by_email(cx.conn, &email)?.is_some() {
        // Perhaps made a moment ago by this person's own first sign-in running at the same
        // time (PostgreSQL: committed after this transaction's first look, with its link).
        return linked_account(cx.conn, identity)?.ok_or_else(account_exists);
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
        frozen_at: None,
        whatsapp_verified_at: None,
        // The provider vouched for the address; the organisation made the account.
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
        return linked_account(cx.conn, identity)?.ok_or_else(account_exists);
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

/// The organisation whose provider a password login for `email` must go to instead, if any:
/// the email's domain is one an organisation signs in through SSO, and the account is new,
/// has no password, or is linked to that organisation's provider. Other accounts at the
/// domain keep their passwords (a domain claim alone takes no account over).
pub fn sso_required_for(
    conn: &mut DbConnection,
    email: &str,
    account: Option<&AccountRow>,
) -> Result<Option<OrgId>> {
    let Some(org_id) = settings::org_for_email(conn, email)? else {
        return Ok(None);
    };
    let required = match account {
        None => true,
        Some(account) if has_no_password(&account.password_hash) => true,
        Some(account) => {
            sso_identities::table
                .filter(sso_identities::account_id.eq(&account.id))
                .filter(sso_identities::org_id.eq(org_id.as_str()))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
    };
    Ok(required.then_some(org_id))
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
