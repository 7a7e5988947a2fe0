//! A sign-in at an organisation's provider, from start to session. `state` (a random token,
//! stored as a digest) ties the provider's answer to the flow; the nonce ties the ID token to
//! it; the PKCE verifier (sealed) ties the code to it. A flow is answered once and lives 10
//! minutes; the browser flow's login code lives 2 minutes and is redeemed once.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::id_token::VerifiedIdentity;
use super::settings::{self, Provider};
use super::{identities, pkce, sign_in};
use crate::crypto::tokens::{random_token, token_digest};
use crate::db::schema::sso_flows;
use crate::db::{DbConnection, from_db, to_db};
use crate::error_code::ErrorCode;
use crate::service::accounts::{self, normalise_email};
use crate::service::context::Context;
use crate::service::error::{Error, FieldError, Result};
use crate::service::ids::{AccountId, OrgId};
use crate::service::login::LoginOutcome;
use crate::service::mfa::step_up::{self, Confirmation, Requirement};
use crate::service::secret::Secret;
use crate::service::sessions::Caller;

pub fn flow_lifetime() -> Duration {
    Duration::minutes(10)
}

pub fn login_code_lifetime() -> Duration {
    Duration::minutes(2)
}

const STATE_PREFIX: &str = "tsf_";
const LOGIN_CODE_PREFIX: &str = "tsl_";

/// Where the provider sends the browser back with the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Callback {
    /// To this server (`GET /v1/auth/sso/callback`), which then sends the browser on to
    /// `redirect_uri` with a one-time `login_code` for `POST /v1/auth/sso/exchange`.
    #[default]
    Tessera,
    /// To `redirect_uri` itself (an SPA or a mobile app), which posts `code` and `state` to
    /// `POST /v1/auth/sso/callback`.
    Client,
}

/// Which organisation's provider to sign in at.
pub enum StartFor {
    /// The organisation that signs in this email's domain.
    Email(String),
    Org(OrgId),
}

pub struct Start {
    pub target: StartFor,
    pub redirect_uri: String,
    pub callback: Callback,
    /// A signed-in account linking its own identity at the provider.
    pub link_to: Option<AccountId>,
    /// For the browser flow: the S256 challenge of a secret the front-end keeps, which the
    /// login code's exchange must then present (a code planted from another browser's flow
    /// is refused: no login CSRF).
    pub exchange_challenge: Option<String>,
}

/// What the authorization URL is made of.
pub struct Started {
    pub org_id: OrgId,
    pub issuer: String,
    pub client_id: String,
    pub state: Secret,
    pub nonce: String,
    pub code_challenge: String,
    pub provider_redirect_uri: String,
    pub login_hint: Option<String>,
    pub expires_at: DateTime<Utc>,
}

fn verifier_aad(state_digest: &str) -> String {
    format!("sso_flow:{state_digest}")
}

/// Opens a flow: 404 `sso_not_configured` when no organisation signs the email (or the
/// organisation) in; 422 when `redirect_uri` is not one the server allows.
pub fn start(cx: &mut Context<'_>, start: Start) -> Result<Started> {
    if !cx.env.sso.redirect_uris.contains(&start.redirect_uri) {
        return Err(Error::invalid(vec![FieldError::new(
            "redirect_uri",
            "not_allowed",
            "must be one of the server's allowed redirect URIs (TESSERA_SSO_REDIRECT_URIS)",
        )]));
    }
    if let Some(challenge) = &start.exchange_challenge
        && !pkce::is_challenge(challenge)
    {
        return Err(Error::invalid(vec![FieldError::new(
            "exchange_challenge",
            "invalid",
            "must be the base64url SHA-256 (43 characters) of the verifier you will send to the exchange",
        )]));
    }
    let (org_id, login_hint) = match start.target {
        StartFor::Email(email) => {
            let email = normalise_email(&email);
            let org = settings::org_for_email(cx.conn, &email)?;
            (org.ok_or_else(settings::not_configured)?, Some(email))
        }
        StartFor::Org(org_id) => (org_id, None),
    };
    let (issuer, client_id) = settings::client_of(cx.conn, &org_id)?;
    let state = Secret::new(random_token(STATE_PREFIX));
    let state_digest = token_digest(state.expose());
    let nonce = random_token("");
    let verifier = pkce::new_verifier();
    let sealed = cx
        .env
        .sealer
        .seal(verifier.as_bytes(), &verifier_aad(&state_digest))?;
    let provider_redirect_uri = match start.callback {
        Callback::Tessera => cx.env.sso.callback_url.clone(),
        Callback::Client => start.redirect_uri.clone(),
    };
    let expires_at = cx.now + flow_lifetime();
    cx.transaction(|cx| {
        diesel::insert_into(sso_flows::table)
            .values((
                sso_flows::state_digest.eq(&state_digest),
                sso_flows::org_id.eq(org_id.as_str()),
                sso_flows::nonce.eq(&nonce),
                sso_flows::verifier_ciphertext.eq(&sealed.ciphertext),
                sso_flows::key_id.eq(&sealed.key_id),
                sso_flows::provider_redirect_uri.eq(&provider_redirect_uri),
                sso_flows::redirect_uri.eq(&start.redirect_uri),
                sso_flows::created_at.eq(to_db(cx.now)),
                sso_flows::expires_at.eq(to_db(expires_at)),
                sso_flows::account_id.eq(start.link_to.as_ref().map(AccountId::as_str)),
                sso_flows::exchange_challenge.eq(start.exchange_challenge.as_deref()),
            ))
            .execute(cx.conn)?;
        Ok(())
    })?;
    Ok(Started {
        org_id,
        issuer,
        client_id,
        state,
        nonce,
        code_challenge: pkce::challenge(&verifier),
        provider_redirect_uri,
        login_hint,
        expires_at,
    })
}

/// [`start`] for a signed-in account linking its own identity at `org_id`'s provider: a member
/// whose email is at one of the organisation's verified domains (404 for anyone outside; 409
/// `domain_not_verified`), once it confirmed with its password and, once MFA is on, a code (an
/// account without a password: a recent SSO sign-in, and its code). A new way in, like a
/// factor.
pub fn start_link(
    cx: &mut Context<'_>,
    caller: &Caller,
    confirmation: Confirmation,
    org_id: OrgId,
    redirect_uri: String,
    callback: Callback,
) -> Result<Started> {
    let account = accounts::get(cx.conn, caller.account_id())?;
    identities::check_may_link(cx.conn, &org_id, &account)?;
    let link = Start {
        target: StartFor::Org(org_id),
        redirect_uri,
        callback,
        link_to: Some(caller.account_id().clone()),
        exchange_challenge: None,
    };
    let proof = confirmation.proof(caller.session_id.clone());
    step_up::confirm(
        cx,
        caller.account_id(),
        &proof,
        Requirement::PasswordAndCodeIfMfaIsOn,
        |cx, _| start(cx, link),
    )
}

/// A flow the provider has answered, claimed by this callback: no other can use it.
pub struct Claimed {
    pub provider: Provider,
    pub nonce: String,
    pub verifier: Secret,
    pub provider_redirect_uri: String,
    /// Where a browser goes afterwards.
    pub redirect_uri: String,
    state_digest: String,
    link_to: Option<AccountId>,
}

/// What a callback reads of its flow.
#[derive(Queryable, Selectable)]
#[diesel(table_name = sso_flows)]
struct FlowRow {
    org_id: String,
    nonce: String,
    verifier_ciphertext: String,
    key_id: String,
    provider_redirect_uri: String,
    redirect_uri: String,
    expires_at: chrono::NaiveDateTime,
    answered_at: Option<chrono::NaiveDateTime>,
    /// For a link: the account that started it.
    account_id: Option<String>,
}

fn state_invalid(detail: &str) -> Error {
    Error::denied_because(ErrorCode::SsoStateInvalid, detail)
}

/// Claims the flow `state` names, for a callback of the kind `via`. Refused when the state is
/// unknown, was already answered, or belongs to the other kind of callback (400
/// `sso_state_invalid`), or when the flow expired (410 `sso_flow_expired`).
pub fn claim(cx: &mut Context<'_>, state: &Secret, via: Callback) -> Result<Claimed> {
    let state_digest = token_digest(state.expose());
    let row: FlowRow = cx.transaction(|cx| {
        let row: Option<FlowRow> = sso_flows::table
            .find(&state_digest)
            .select(FlowRow::as_select())
            .first(cx.conn)
            .optional()?;
        let row = row.ok_or_else(|| {
            state_invalid("This sign-in is unknown to the server; start it again.")
        })?;
        if row.answered_at.is_some() {
            return Err(state_invalid(
                "This sign-in was already answered; start it again.",
            ));
        }
        if from_db(row.expires_at) <= cx.now {
            return Err(Error::denied_because(
                ErrorCode::SsoFlowExpired,
                "This sign-in took too long; start it again.",
            ));
        }
        if callback_of(&row.provider_redirect_uri, &row.redirect_uri) != via {
            return Err(state_invalid(
                "This sign-in was started for the other kind of callback.",
            ));
        }
        // Claimed by the statement that checks it is unclaimed: two callbacks with one state
        // cannot both go on.
        let claimed = diesel::update(
            sso_flows::table
                .find(&state_digest)
                .filter(sso_flows::answered_at.is_null()),
        )
        .set(sso_flows::answered_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?;
        if claimed != 1 {
            return Err(state_invalid(
                "This sign-in was already answered; start it again.",
            ));
        }
        Ok(row)
    })?;
    let verifier = cx.env.sealer.open(
        &row.key_id,
        &row.verifier_ciphertext,
        &verifier_aad(&state_digest),
    )?;
    let verifier = Secret::new(String::from_utf8(verifier.to_vec()).map_err(Error::internal)?);
    let provider = settings::provider(cx.conn, &cx.env.sealer, &OrgId::from(row.org_id))?;
    Ok(Claimed {
        provider,
        nonce: row.nonce,
        verifier,
        provider_redirect_uri: row.provider_redirect_uri,
        redirect_uri: row.redirect_uri,
        state_digest,
        link_to: row.account_id.map(AccountId::from),
    })
}

fn callback_of(provider_redirect_uri: &str, redirect_uri: &str) -> Callback {
    if provider_redirect_uri == redirect_uri {
        Callback::Client
    } else {
        Callback::Tessera
    }
}

/// The account the provider's `identity` stands for: found, linked or provisioned.
fn account_of(
    cx: &mut Context<'_>,
    claimed: &Claimed,
    identity: &VerifiedIdentity,
) -> Result<AccountId> {
    cx.transaction(|cx| {
        identities::resolve(cx, &claimed.provider, identity, claimed.link_to.as_ref())
    })
}

/// The client's callback (`Callback::Client`): the provider vouched for `identity`, so the
/// sign-in goes on (session, challenge or enrolment).
pub fn sign_in(
    cx: &mut Context<'_>,
    claimed: &Claimed,
    identity: &VerifiedIdentity,
) -> Result<LoginOutcome> {
    let account_id = account_of(cx, claimed, identity)?;
    sign_in::finish(cx, &claimed.provider, &account_id, &identity.amr)
}

/// The browser's callback (`Callback::Tessera`): the provider vouched for `identity`; the
/// browser goes on to `redirect_uri` with the login code returned here, which
/// [`redeem`] turns into the sign-in.
pub fn hand_out_login_code(
    cx: &mut Context<'_>,
    claimed: &Claimed,
    identity: &VerifiedIdentity,
) -> Result<Secret> {
    let account_id = account_of(cx, claimed, identity)?;
    let login_code = Secret::new(random_token(LOGIN_CODE_PREFIX));
    let amr = serde_json::to_string(&identity.amr).map_err(Error::internal)?;
    cx.transaction(|cx| {
        diesel::update(sso_flows::table.find(&claimed.state_digest))
            .set((
                sso_flows::account_id.eq(Some(account_id.as_str())),
                sso_flows::amr.eq(Some(amr)),
                sso_flows::login_code_digest.eq(Some(token_digest(login_code.expose()))),
                sso_flows::login_code_expires_at.eq(Some(to_db(cx.now + login_code_lifetime()))),
            ))
            .execute(cx.conn)?;
        Ok(())
    })?;
    Ok(login_code)
}

/// Redeems a browser flow's login code for the sign-in's outcome: 400
/// `sso_login_code_invalid` when it is unknown, used or expired, or when the flow was started
/// with an exchange challenge that `verifier` does not answer (or without one, and a verifier
/// is given). A refused code is used up.
pub fn redeem(
    cx: &mut Context<'_>,
    login_code: &Secret,
    verifier: Option<&Secret>,
) -> Result<LoginOutcome> {
    let digest = token_digest(login_code.expose());
    let (org_id, account_id, amr, challenge) = cx.transaction(|cx| {
        let redeemed = diesel::update(
            sso_flows::table
                .filter(sso_flows::login_code_digest.eq(&digest))
                .filter(sso_flows::redeemed_at.is_null())
                .filter(sso_flows::login_code_expires_at.gt(to_db(cx.now))),
        )
        .set(sso_flows::redeemed_at.eq(Some(to_db(cx.now))))
        .execute(cx.conn)?;
        if redeemed != 1 {
            return Err(Error::denied_because(
                ErrorCode::SsoLoginCodeInvalid,
                "This login code is unknown, used or expired; sign in again.",
            ));
        }
        let row: (String, Option<String>, Option<String>, Option<String>) = sso_flows::table
            .filter(sso_flows::login_code_digest.eq(&digest))
            .select((
                sso_flows::org_id,
                sso_flows::account_id,
                sso_flows::amr,
                sso_flows::exchange_challenge,
            ))
            .first(cx.conn)?;
        Ok(row)
    })?;
    let answered = match (&challenge, verifier) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => pkce::verifies(challenge, verifier.expose()),
        _ => false,
    };
    if !answered {
        return Err(Error::denied_because(
            ErrorCode::SsoLoginCodeInvalid,
            "This login code was not handed out to this sign-in (exchange_verifier); sign in again.",
        ));
    }
    let account_id = AccountId::from(
        account_id.ok_or_else(|| Error::internal("a redeemed SSO flow without its account"))?,
    );
    let amr: Vec<String> = serde_json::from_str(amr.as_deref().unwrap_or("[]")).unwrap_or_default();
    let provider = settings::provider(cx.conn, &cx.env.sealer, &OrgId::from(org_id))?;
    sign_in::finish(cx, &provider, &account_id, &amr)
}

/// Deletes flows that ended more than a day ago, in batches.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    use crate::service::maintenance::{BATCH, in_batches};
    let cutoff = to_db(now - Duration::days(1));
    in_batches(|| {
        let batch: Vec<String> = sso_flows::table
            .filter(sso_flows::expires_at.lt(cutoff))
            .select(sso_flows::state_digest)
            .limit(BATCH)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(
            diesel::delete(sso_flows::table.filter(sso_flows::state_digest.eq_any(&batch)))
                .execute(conn)?,
        )
    })
}
