//! An organisation's single sign-on settings: its OpenID Connect provider (issuer, client id,
//! sealed client secret), the email domains whose people sign in there (verified domains of
//! the organisation, see `orgs::domains`), and who owns the second factor (`idp`, or `both`:
//! the provider and then Tessera). Owners and admins manage them; the client secret is never
//! shown again.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::crypto::sealing::Sealer;
use crate::db::schema::org_sso;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::oidc::check_issuer;
use crate::service::audit::{self, AuditAction};
use crate::service::context::Context;
use crate::service::error::{Error, FieldError, Result};
use crate::service::ids::OrgId;
use crate::service::mfa::step_up::Confirmation;
use crate::service::orgs;
use crate::service::orgs::domains;
use crate::service::sealed::ORG_SSO;
use crate::service::secret::Secret;
use crate::service::sessions::Caller;

/// Who checks the second factor of the organisation's SSO sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoMfa {
    /// The identity provider: the session is issued after the provider's sign-in.
    Idp,
    /// The provider, and then Tessera: the usual challenge (or a forced enrolment).
    Both,
}

impl SsoMfa {
    pub fn name(self) -> &'static str {
        match self {
            SsoMfa::Idp => "idp",
            SsoMfa::Both => "both",
        }
    }

    fn parse(text: &str) -> SsoMfa {
        match text {
            "idp" => SsoMfa::Idp,
            _ => SsoMfa::Both,
        }
    }
}

/// The settings as an admin sends them.
pub struct SsoSettingsInput {
    pub issuer: String,
    pub client_id: String,
    /// `None`: keep the stored one (same issuer and client id only).
    pub client_secret: Option<Secret>,
    pub email_domains: Vec<String>,
    pub mfa: SsoMfa,
    pub auto_provision: bool,
}

/// The settings as an admin reads them: never the client secret.
#[derive(Debug, Clone)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    /// Sign-ins for emails at these domains go through the provider: verified domains of the
    /// organisation. (A domain listed from before domains were verified routes nothing until
    /// it is verified.)
    pub email_domains: Vec<String>,
    pub mfa: SsoMfa,
    /// Whether the provider's users without an account get one at their first sign-in.
    pub auto_provision: bool,
    /// The redirect URI to register at the provider for the browser flow
    /// (`callback: "tessera"`).
    pub callback_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the sign-in flow needs of an organisation's settings, the secret opened.
pub struct Provider {
    pub org_id: OrgId,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub mfa: SsoMfa,
    pub auto_provision: bool,
    /// The organisation's verified domains: emails there are the organisation's, so its
    /// provider is trusted for them (and its MFA may stand, with `mfa: idp`).
    pub verified_domains: Vec<String>,
}

impl Provider {
    /// Whether `email` is at one of the organisation's verified domains.
    pub fn vouches_for(&self, email: &str) -> bool {
        domains::domain_of(email).is_some_and(|d| self.verified_domains.iter().any(|v| v == d))
    }
}

const MAX_DOMAINS: usize = 50;

fn validate(
    conn: &mut DbConnection,
    org_id: &OrgId,
    input: &SsoSettingsInput,
    allow_loopback: bool,
) -> Result<Vec<String>> {
    let verified = domains::verified(conn, org_id)?;
    let mut errors = Vec::new();
    if check_issuer(&input.issuer, allow_loopback).is_err() || input.issuer.len() > 512 {
        errors.push(FieldError::new(
            "issuer",
            "invalid_url",
            "must be the provider's https URL, as its tokens name it",
        ));
    }
    if input.client_id.trim().is_empty() || input.client_id.len() > 255 {
        errors.push(FieldError::new(
            "client_id",
            "invalid_length",
            "must be 1 to 255 characters",
        ));
    }
    match &input.client_secret {
        Some(secret) if secret.expose().is_empty() || secret.expose().len() > 1024 => {
            errors.push(FieldError::new(
                "client_secret",
                "invalid_length",
                "must be 1 to 1024 characters",
            ));
        }
        Some(_) => {}
        None => {
            let stored: Option<(String, String)> = org_sso::table
                .find(org_id.as_str())
                .select((org_sso::issuer, org_sso::client_id))
                .first(conn)
                .optional()?;
            // The stored secret belongs to one client at one provider: never to another.
            let same_client = stored.is_some_and(|(issuer, client_id)| {
                issuer == input.issuer && client_id == input.client_id.trim()
            });
            if !same_client {
                errors.push(FieldError::new(
                    "client_secret",
                    "required",
                    "is needed for a new provider or client id (it is kept only while both stay the same)",
                ));
            }
        }
    }
    let mut domains = Vec::new();
    for (i, domain) in input.email_domains.iter().enumerate() {
        match domains::normalise(domain) {
            Some(d) if !verified.contains(&d) => errors.push(FieldError::new(
                &format!("email_domains[{i}]"),
                "domain_not_verified",
                format!(
                    "{d} is not a verified domain of the organisation (POST /v1/orgs/{{org_id}}/domains, then verify it)"
                ),
            )),
            Some(d) if !domains.contains(&d) => domains.push(d),
            Some(_) => {}
            None => errors.push(FieldError::new(
                &format!("email_domains[{i}]"),
                "invalid_domain",
                "must be a domain name such as example.com",
            )),
        }
    }
    if input.email_domains.len() > MAX_DOMAINS {
        errors.push(FieldError::new(
            "email_domains",
            "too_many",
            format!("at most {MAX_DOMAINS} domains"),
        ));
    }
    if errors.is_empty() {
        Ok(domains)
    } else {
        Err(Error::invalid(errors))
    }
}

/// The organisation's settings (404 when it has none). Owners and admins only.
pub fn get(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId) -> Result<SsoSettings> {
    orgs::admin(cx, org_id, caller)?;
    shown(cx, org_id)?.ok_or_else(|| Error::denied(ErrorCode::NotFound))
}

fn shown(cx: &mut Context<'_>, org_id: &OrgId) -> Result<Option<SsoSettings>> {
    type Row = (
        String,
        String,
        String,
        i32,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    let row: Option<Row> = org_sso::table
        .find(org_id.as_str())
        .select((
            org_sso::issuer,
            org_sso::client_id,
            org_sso::mfa,
            org_sso::auto_provision,
            org_sso::created_at,
            org_sso::updated_at,
        ))
        .first(cx.conn)
        .optional()?;
    let Some((issuer, client_id, mfa, auto_provision, created_at, updated_at)) = row else {
        return Ok(None);
    };
    Ok(Some(SsoSettings {
        issuer,
        client_id,
        email_domains: domains::sso_domains(cx.conn, org_id)?,
        mfa: SsoMfa::parse(&mfa),
        auto_provision: auto_provision != 0,
        callback_url: cx.env.sso.callback_url.clone(),
        created_at: from_db(created_at),
        updated_at: from_db(updated_at),
    }))
}

/// Sets (or replaces) the organisation's settings. Its `email_domains` must be verified
/// domains of the organisation (422, `domain_not_verified` on the field). Audited.
pub fn put(
    cx: &mut Context<'_>,
    caller: &Caller,
    org_id: &OrgId,
    input: SsoSettingsInput,
    confirmation: Confirmation,
) -> Result<SsoSettings> {
    // The provider named here signs members in: naming it is granting a way in.
    orgs::admin(cx, org_id, caller)?;
    orgs::with_proof(cx, caller, confirmation, true, |cx| {
        orgs::admin(cx, org_id, caller)?;
        let allow_loopback = cx.env.sso.allow_loopback_issuers;
        let domains = validate(cx.conn, org_id, &input, allow_loopback)?;
        let (ciphertext, key_id) = match &input.client_secret {
            Some(secret) => {
                let sealed = cx
                    .env
                    .sealer
                    .seal(secret.expose().as_bytes(), &ORG_SSO.to(org_id.as_str()))?;
                (sealed.ciphertext, sealed.key_id)
            }
            None => org_sso::table
                .find(org_id.as_str())
                .select((org_sso::client_secret_ciphertext, org_sso::key_id))
                .first(cx.conn)?,
        };
        let created_at: Option<chrono::NaiveDateTime> = org_sso::table
            .find(org_id.as_str())
            .select(org_sso::created_at)
            .first(cx.conn)
            .optional()?;
        let now = to_db(cx.now);
        diesel::delete(org_sso::table.find(org_id.as_str())).execute(cx.conn)?;
        diesel::insert_into(org_sso::table)
            .values((
                org_sso::org_id.eq(org_id.as_str()),
                org_sso::issuer.eq(&input.issuer),
                org_sso::client_id.eq(input.client_id.trim()),
                org_sso::client_secret_ciphertext.eq(&ciphertext),
                org_sso::key_id.eq(&key_id),
                org_sso::mfa.eq(input.mfa.name()),
                org_sso::auto_provision.eq(i32::from(input.auto_provision)),
                org_sso::created_at.eq(created_at.unwrap_or(now)),
                org_sso::updated_at.eq(now),
            ))
            .execute(cx.conn)?;
        domains::set_sso_domains(cx.conn, org_id, &domains)?;
        let details = serde_json::json!({
            "issuer": input.issuer,
            "client_id": input.client_id.trim(),
            "email_domains": domains,
            "mfa": input.mfa.name(),
            "auto_provision": input.auto_provision,
            "client_secret_changed": input.client_secret.is_some(),
        });
        let actor = caller.account_id();
        audit::record_in_org(
            cx,
            org_id,
            actor,
            actor,
            AuditAction::SsoConfigured,
            Some(details),
        )?;
        shown(cx, org_id)?.ok_or_else(|| Error::internal("SSO settings vanished"))
    })
}

/// Removes the organisation's settings (404 when it has none): its domains sign nobody in
/// through SSO any more. Its members' links to the provider stay, so they are recognised if
/// SSO comes back. Audited.
pub fn delete(cx: &mut Context<'_>, caller: &Caller, org_id: &OrgId) -> Result<()> {
    cx.transaction(|cx| {
        orgs::admin(cx, org_id, caller)?;
        let removed = diesel::delete(org_sso::table.find(org_id.as_str())).execute(cx.conn)?;
        if removed == 0 {
            return Err(Error::denied(ErrorCode::NotFound));
        }
        domains::set_sso_domains(cx.conn, org_id, &[])?;
        let actor = caller.account_id();
        audit::record_in_org(cx, org_id, actor, actor, AuditAction::SsoRemoved, None)
    })
}

/// The organisation's provider, its secret opened (404 `sso_not_configured` when it has none).
pub fn provider(conn: &mut DbConnection, sealer: &Sealer, org_id: &OrgId) -> Result<Provider> {
    type Row = (String, String, String, String, String, i32);
    let row: Option<Row> = org_sso::table
        .find(org_id.as_str())
        .select((
            org_sso::issuer,
            org_sso::client_id,
            org_sso::client_secret_ciphertext,
            org_sso::key_id,
            org_sso::mfa,
            org_sso::auto_provision,
        ))
        .first(conn)
        .optional()?;
    let Some((issuer, client_id, ciphertext, key_id, mfa, auto_provision)) = row else {
        return Err(not_configured());
    };
    let secret = sealer.open(&key_id, &ciphertext, &ORG_SSO.to(org_id.as_str()))?;
    let client_secret = Secret::new(String::from_utf8(secret.to_vec()).map_err(Error::internal)?);
    Ok(Provider {
        org_id: org_id.clone(),
        issuer,
        client_id,
        client_secret,
        mfa: SsoMfa::parse(&mfa),
        auto_provision: auto_provision != 0,
        verified_domains: domains::verified(conn, org_id)?,
    })
}

/// The organisation's issuer and client id, all a flow's start needs (404
/// `sso_not_configured` when it has none).
pub fn client_of(conn: &mut DbConnection, org_id: &OrgId) -> Result<(String, String)> {
    org_sso::table
        .find(org_id.as_str())
        .select((org_sso::issuer, org_sso::client_id))
        .first(conn)
        .optional()?
        .ok_or_else(not_configured)
}

pub fn not_configured() -> Error {
    Error::denied_because(
        ErrorCode::SsoNotConfigured,
        "No organisation signs this in through single sign-on.",
    )
}
