//! A sign-in at an organisation's provider, from start to session. `state` (a random token,
//! stored as a digest) ties the provider's answer to the flow; the nonce ties the ID token to
//! it; PKCE ties the code to whoever started it: in the browser flow the server's verifier
//! (sealed), in the app flow the app's own, which the server never holds until the app
//! proves it at the callback. Whoever finishes a flow proves they started it: the app with its
//! `code_verifier`, the browser's front-end with its `exchange_verifier` (login CSRF). A flow
//! is answered once and lives 10 minutes; the browser flow's login code lives 2 minutes and is
//! redeemed once.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

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
use crate::service::sealed::SSO_FLOW;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// To this server (`GET /v1/auth/sso/callback`), which then sends the browser on to
    /// `redirect_uri` with a one-time `login_code` for `POST /v1/auth/sso/exchange`.
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
    /// Required for the browser flow, and only there: the S256 challenge of a secret the
    /// front-end keeps, which the login code's exchange must then present (a code planted
    /// from another browser's flow is refused: no login CSRF).
    pub exchange_challenge: Option<String>,
    /// Required for the app flow, and only there: the S256 PKCE `code_challenge` of the
    /// verifier the app keeps. The provider binds the code to it, and the callback must bring
    /// the verifier: a code taken from the app's redirect is useless alone.
    pub code_challenge: Option<String>,
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

/// The challenges a start carries for its kind of callback: the browser flow's
/// `exchange_challenge`, the app flow's `code_challenge`, each required there and refused
/// elsewhere (one sent to the wrong flow would protect nothing).
fn check_challenges(start: &Start) -> Vec<FieldError> {
    let (needed, needed_for, unexpected, kind) = match start.callback {
        Callback::Tessera => (
            ("exchange_challenge", &start.exchange_challenge),
            "the browser flow: the S256 of a secret the front-end keeps for POST /v1/auth/sso/exchange",
            ("code_challenge", &start.code_challenge),
            "client",
        ),
        Callback::Client => (
            ("code_challenge", &start.code_challenge),
            "the app flow: the S256 PKCE challenge of the code_verifier the app sends to POST /v1/auth/sso/callback",
            ("exchange_challenge", &start.exchange_challenge),
            "tessera",
        ),
    };
    let mut errors = Vec::new();
    match needed.1 {
        None => errors.push(FieldError::new(
            needed.0,
            "required",
            format!("required for {needed_for}"),
        )),
        Some(challenge) if !pkce::is_challenge(challenge) => errors.push(FieldError::new(
            needed.0,
            "invalid",
            "must be the base64url SHA-256 (43 characters) of a secret you keep (S256)",
        )),
        Some(_) => {}
    }
    if unexpected.1.is_some() {
        errors.push(FieldError::new(
            unexpected.0,
            "not_allowed",
            format!("only with `callback: {kind}`"),
        ));
    }
    errors
}

/// Checks an app's answer before its flow is claimed (a request that cannot be right spends
/// nothing): a code comes with the app's PKCE `code_verifier` (RFC 7636 §4.1: 43 to 128
/// characters of A–Z, a–z, 0–9, `-._~`).
pub fn check_app_answer(code: Option<&str>, code_verifier: Option<&Secret>) -> Result<()> {
    let error = match (code, code_verifier) {
        (Some(_), None) => FieldError::new(
            "code_verifier",
            "required",
            "the PKCE verifier whose S256 was sent to POST /v1/auth/sso/start as code_challenge",
        ),
        (_, Some(verifier)) if !pkce::is_verifier(verifier.expose()) => FieldError::new(
            "code_verifier",
            "invalid",
            "must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636)",
        ),
        _ => return Ok(()),
    };
    Err(Error::invalid(vec![error]))
}

/// Where `start` ends, and its challenge (422 naming the fields that are not right).
fn check(cx: &Context<'_>, start: &Start) -> Result<()> {
    let mut errors = Vec::new();
    if !cx.env.sso.redirect_uris.contains(&start.redirect_uri) {
        errors.push(FieldError::new(
            "redirect_uri",
            "not_allowed",
            "must be one of the server's allowed redirect URIs (TESSERA_SSO_REDIRECT_URIS)",
        ));
    }
    errors.extend(check_challenges(start));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(errors))
    }
}

/// Opens a flow: 404 `sso_not_configured` when no organisation signs the email (or the
/// organisation) in; 422 when `redirect_uri` is not one the server allows, or the flow's
/// challenge is missing or malformed (see [`Start`]).
pub fn start(cx: &mut Context<'_>, start: Start) -> Result<Started> {
    check(cx, &start)?;
    let (org_id, login_hint) = match start.target {
        StartFor::Email(email) => {
            let email = normalise_email(&email);
            let org = crate::service::orgs::domains::sso_org_for_email(cx.conn, &email)?;
            (org.ok_or_else(settings::not_configured)?, Some(email))
        }
        StartFor::Org(org_id) => (org_id, None),
    };
    let (issuer, client_id) = settings::client_of(cx.conn, &org_id)?;
    let state = Secret::new(random_token(STATE_PREFIX));
    let state_digest = token_digest(state.expose());
    let nonce = random_token("");
    // The browser flow's verifier is the server's, sealed until the callback; the app keeps
    // its own, and only its challenge is stored.
    let (sealed, code_challenge) = match (start.callback, &start.code_challenge) {
        (Callback::Client, Some(challenge)) => (None, challenge.clone()),
        _ => {
            let verifier = pkce::new_verifier();
            let sealed = cx
                .env
                .sealer
                .seal(verifier.as_bytes(), &SSO_FLOW.to(&state_digest))?;
            (Some(sealed), pkce::challenge(&verifier))
        }
    };
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
                sso_flows::verifier_ciphertext.eq(sealed.as_ref().map(|s| &s.ciphertext)),
                sso_flows::key_id.eq(sealed.as_ref().map(|s| &s.key_id)),
                sso_flows::code_challenge.eq(start.code_challenge.as_deref()),
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
        code_challenge,
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
/// `link` names the organisation ([`StartFor::Org`]), where the flow ends and its challenge.
pub fn start_link(
    cx: &mut Context<'_>,
    caller: &Caller,
    confirmation: Confirmation,
    link: Start,
) -> Result<Started> {
    let StartFor::Org(org_id) = &link.target else {
        return Err(Error::internal("a link is started at an organisation"));
    };
    // Before the confirmation, whose code would be spent on a request that cannot go on.
    check(cx, &link)?;
    let account = accounts::get(cx.conn, caller.account_id())?;
    identities::check_may_link(cx.conn, org_id, &account)?;
    let link = Start {
        link_to: Some(caller.account_id().clone()),
        ..link
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

/// What proves the code at the token endpoint (PKCE).
enum FlowVerifier {
    /// The server's own (the browser flow).
    Server(Secret),
    /// The app's, which the callback brings: it must answer this challenge.
    App { code_challenge: String },
}

/// A flow the provider has answered, claimed by this callback: no other can use it.
pub struct Claimed {
    pub provider: Provider,
    pub nonce: String,
    verifier: FlowVerifier,
    pub provider_redirect_uri: String,
    /// Where a browser goes afterwards.
    pub redirect_uri: String,
    state_digest: String,
    link_to: Option<AccountId>,
}

impl Claimed {
    /// The PKCE verifier for the token request: the server's own in the browser flow; in the
    /// app flow the app's `from_app`, which must answer the challenge it started with (401
    /// `sso_code_refused` otherwise, before the provider is asked: a code taken from the
    /// app's redirect is useless alone, even at a provider that would not check PKCE).
    pub fn code_verifier<'a>(&'a self, from_app: Option<&'a Secret>) -> Result<&'a Secret> {
        match (&self.verifier, from_app) {
            (FlowVerifier::Server(verifier), _) => Ok(verifier),
            (FlowVerifier::App { code_challenge }, Some(verifier))
                if pkce::verifies(code_challenge, verifier.expose()) =>
            {
                Ok(verifier)
            }
            (FlowVerifier::App { .. }, _) => Err(Error::denied_because(
                ErrorCode::SsoCodeRefused,
                "The code_verifier does not answer the code_challenge this sign-in was started with; sign in again.",
            )),
        }
    }
}

#[cfg(test)]
impl Claimed {
    /// A browser flow at `provider` with the server's `verifier`, claimed (for tests of what
    /// follows the claim).
    pub fn browser_flow(provider: Provider, nonce: &str, verifier: &str) -> Claimed {
        Claimed {
            provider,
            nonce: nonce.to_string(),
            verifier: FlowVerifier::Server(Secret::new(verifier)),
            provider_redirect_uri: "https://auth.example.com/v1/auth/sso/callback".to_string(),
            redirect_uri: "https://app.example.com/sso".to_string(),
            state_digest: String::new(),
            link_to: None,
        }
    }
}

/// What a callback reads of its flow.
#[derive(Queryable, Selectable)]
#[diesel(table_name = sso_flows)]
struct FlowRow {
    org_id: String,
    nonce: String,
    verifier_ciphertext: Option<String>,
    key_id: Option<String>,
    code_challenge: Option<String>,
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
    let verifier = match (row.key_id, row.verifier_ciphertext, row.code_challenge) {
        (Some(key_id), Some(ciphertext), _) => {
            let verifier = cx
                .env
                .sealer
                .open(&key_id, &ciphertext, &SSO_FLOW.to(&state_digest))?;
            FlowVerifier::Server(Secret::new(
                String::from_utf8(verifier.to_vec()).map_err(Error::internal)?,
            ))
        }
        (_, _, Some(code_challenge)) => FlowVerifier::App { code_challenge },
        _ => {
            return Err(Error::internal(
                "an SSO flow without a verifier or a challenge",
            ));
        }
    };
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
    // A link is written only when the login code comes back with the front-end's verifier:
    // whoever's browser reached this callback, only the person who started the link can
    // finish it (a colleague lured to the link's authorization URL links nothing).
    let (account_id, held) = match &claimed.link_to {
        Some(link_to) => (
            link_to.clone(),
            Some(serde_json::to_string(identity).map_err(Error::internal)?),
        ),
        None => (account_of(cx, claimed, identity)?, None),
    };
    let login_code = Secret::new(random_token(LOGIN_CODE_PREFIX));
    let amr = serde_json::to_string(&identity.amr).map_err(Error::internal)?;
    cx.transaction(|cx| {
        diesel::update(sso_flows::table.find(&claimed.state_digest))
            .set((
                sso_flows::account_id.eq(Some(account_id.as_str())),
                sso_flows::amr.eq(Some(amr)),
                sso_flows::identity.eq(held),
                sso_flows::login_code_digest.eq(Some(token_digest(login_code.expose()))),
                sso_flows::login_code_expires_at.eq(Some(to_db(cx.now + login_code_lifetime()))),
            ))
            .execute(cx.conn)?;
        Ok(())
    })?;
    Ok(login_code)
}

/// Redeems a browser flow's login code for the sign-in's outcome: 400
/// `sso_login_code_invalid` when it is unknown, used or expired, or when `verifier` does not
/// answer the exchange challenge the flow was started with. A refused code is used up.
pub fn redeem(
    cx: &mut Context<'_>,
    login_code: &Secret,
    verifier: &Secret,
) -> Result<LoginOutcome> {
    let digest = token_digest(login_code.expose());
    let (org_id, account_id, amr, challenge, held) = cx.transaction(|cx| {
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
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Row = sso_flows::table
            .filter(sso_flows::login_code_digest.eq(&digest))
            .select((
                sso_flows::org_id,
                sso_flows::account_id,
                sso_flows::amr,
                sso_flows::exchange_challenge,
                sso_flows::identity,
            ))
            .first(cx.conn)?;
        Ok(row)
    })?;
    // A flow without a challenge (from before they were required) redeems nothing.
    if !challenge.is_some_and(|challenge| pkce::verifies(&challenge, verifier.expose())) {
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
    // A link held since the callback: its starter proved the verifier, so it is written now.
    let account_id = match held {
        Some(held) => {
            let identity: VerifiedIdentity =
                serde_json::from_str(&held).map_err(Error::internal)?;
            cx.transaction(|cx| identities::resolve(cx, &provider, &identity, Some(&account_id)))?
        }
        None => account_id,
    };
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
