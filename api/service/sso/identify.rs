//! A sign-in's round trip to the provider, between the flow's start and its end (the
//! database steps, in `flows`): the authorization URL a browser is sent to, and the
//! provider's answer turned into a verified identity — the code exchanged (with the PKCE
//! verifier and the client secret), the ID token verified against the provider's keys, and
//! the userinfo endpoint asked when the token carries no email.

use chrono::{DateTime, Utc};

use super::flows::{Claimed, Started};
use super::id_token::{self, Expected, Rejection, VerifiedIdentity};
use super::provider::IdentityProvider;
use crate::error_code::ErrorCode;
use crate::oidc::{AuthorizationRequest, CodeExchange, KeySet, OidcError};
use crate::service::error::{Error, Result};
use crate::service::secret::Secret;

/// What the provider sends back (OAuth 2.0 §4.1.2, RFC 9207), and in the app flow the app's
/// PKCE verifier.
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
    pub code_verifier: Option<Secret>,
}

/// Where to send the browser for the flow `started` opened: the provider's authorization
/// endpoint with the flow's parameters.
pub async fn authorization_url(
    idp: &impl IdentityProvider,
    started: &Started,
    now: DateTime<Utc>,
) -> Result<String> {
    let metadata = idp
        .metadata(&started.issuer, now)
        .await
        .map_err(provider_unavailable)?;
    idp.authorization_url(
        &metadata,
        &AuthorizationRequest {
            client_id: &started.client_id,
            redirect_uri: &started.provider_redirect_uri,
            state: started.state.expose(),
            nonce: &started.nonce,
            code_challenge: &started.code_challenge,
            login_hint: started.login_hint.as_deref(),
        },
    )
    .map_err(provider_unavailable)
}

/// The provider's answer to a claimed flow: the code exchanged (with the PKCE verifier and
/// the client secret) and the ID token verified against the provider's keys, fetched again
/// once if the token names a key the cached set lacks.
pub async fn identify(
    idp: &impl IdentityProvider,
    claimed: &Claimed,
    answer: ProviderAnswer,
    now: DateTime<Utc>,
) -> Result<VerifiedIdentity> {
    if let Some(error) = answer.error {
        // The provider's words (or words put in its redirect by whoever sent the browser
        // here) never reach the front-end, which would show them under this server's name:
        // they go to the log, escaped and cut short.
        tracing::info!(
            error = ?error.chars().take(64).collect::<String>(),
            description = ?answer
                .error_description
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>(),
            "SSO: the identity provider answered with an error"
        );
        let detail = if error == "access_denied" {
            "The sign-in was declined at the identity provider."
        } else {
            "The identity provider did not complete the sign-in; try again."
        };
        return Err(Error::denied_because(ErrorCode::SsoDenied, detail));
    }
    let provider = &claimed.provider;
    // RFC 9207: a provider that names itself must be the one the flow went to.
    if answer
        .iss
        .as_ref()
        .is_some_and(|iss| *iss != provider.issuer)
    {
        return Err(token_refused(Rejection::Issuer));
    }
    let code = answer.code.filter(|c| !c.is_empty()).ok_or_else(|| {
        Error::denied_because(
            ErrorCode::SsoCodeRefused,
            "The identity provider's answer carries no code; sign in again.",
        )
    })?;
    let metadata = idp
        .metadata(&provider.issuer, now)
        .await
        .map_err(provider_unavailable)?;
    let code_verifier = claimed.code_verifier(answer.code_verifier.as_ref())?;
    let code_exchange = CodeExchange {
        client_id: &provider.client_id,
        client_secret: provider.client_secret.expose(),
        code: &code,
        redirect_uri: &claimed.provider_redirect_uri,
        code_verifier: code_verifier.expose(),
    };
    let tokens = idp
        .exchange_code(&metadata, &code_exchange)
        .await
        .map_err(provider_unavailable)?;
    let id_token = tokens.id_token;
    let expected = Expected {
        issuer: &provider.issuer,
        client_id: &provider.client_id,
        nonce: &claimed.nonce,
        now,
    };
    let keys = idp
        .keys(&metadata, now, KeySet::Cached)
        .await
        .map_err(provider_unavailable)?;
    let mut identity = match id_token::verify(&id_token, &keys, &expected) {
        Err(Rejection::UnknownKey) => {
            let keys = idp
                .keys(&metadata, now, KeySet::Fresh)
                .await
                .map_err(provider_unavailable)?;
            id_token::verify(&id_token, &keys, &expected).map_err(token_refused)?
        }
        verified => verified.map_err(token_refused)?,
    };
    // No email in the ID token (a provider that puts only `sub` there): its userinfo
    // endpoint says it, for the same subject (OIDC Core §5.3.2).
    if identity.email.is_none()
        && let Some(access_token) = &tokens.access_token
        && let Some(info) = idp
            .userinfo(&metadata, access_token)
            .await
            .map_err(provider_unavailable)?
    {
        if info.sub != identity.subject {
            return Err(token_refused(Rejection::Subject));
        }
        identity.email = info.email;
        identity.email_verified = id_token::email_verified(info.email_verified.as_ref());
    }
    Ok(identity)
}

/// 502 `sso_provider_unavailable` (401 `sso_code_refused` when it refused the code), in this
/// server's words.
fn provider_unavailable(e: OidcError) -> Error {
    // Debug: the provider's words (in `CodeRefused`) are logged escaped.
    tracing::warn!(error = ?e, "SSO: the identity provider failed");
    let detail = match e {
        // The provider's `error` stays in the log: the front-end gets this server's words.
        OidcError::CodeRefused(_) => {
            return Error::denied_because(
                ErrorCode::SsoCodeRefused,
                "The identity provider refused the code; sign in again.",
            );
        }
        OidcError::Unreachable(_) => "The identity provider cannot be reached.".to_string(),
        OidcError::Refused(endpoint) => format!(
            "The identity provider's {endpoint} is not at a public address: nothing was sent there."
        ),
        other => format!("{other}."),
    };
    Error::denied_because(ErrorCode::SsoProviderUnavailable, detail)
}

/// 401 `sso_id_token_invalid`, naming the check that failed.
fn token_refused(rejection: Rejection) -> Error {
    Error::denied_because(
        ErrorCode::SsoIdTokenInvalid,
        format!("{rejection}; sign in again."),
    )
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use jsonwebtoken::jwk::JwkSet;
    use serde_json::{Value, json};

    use super::*;
    use crate::crypto::signing::{KeyPair, public_jwk};
    use crate::service::ids::OrgId;
    use crate::service::sso::fake_provider::{FakeProvider, ISSUER};
    use crate::service::sso::settings::{Provider, SsoMfa};

    const CLIENT: &str = "tessera-client";
    const NONCE: &str = "n-0S6_WzA2Mj";
    const SUBJECT: &str = "248289761001";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn now() -> DateTime<Utc> {
        crate::service::testing::start()
    }

    fn claims() -> Value {
        json!({
            "iss": ISSUER, "sub": SUBJECT, "aud": CLIENT, "nonce": NONCE,
            "iat": now().timestamp(), "exp": (now() + Duration::minutes(5)).timestamp(),
            "email": "ada@acme.com", "email_verified": true, "amr": ["pwd"],
        })
    }

    /// A signing key of the provider's, and the key set that publishes it alone.
    fn key() -> (KeyPair, JwkSet) {
        let key = KeyPair::generate().unwrap();
        let set = JwkSet {
            keys: vec![public_jwk(&key.kid, &key.public_x)],
        };
        (key, set)
    }

    /// A provider publishing `keys`, whose ID token for the code is `claims` signed by `signer`.
    fn provider(signer: &KeyPair, claims: &Value, keys: JwkSet) -> FakeProvider {
        FakeProvider::new(signer.signer().sign(claims).unwrap(), keys)
    }

    fn claimed() -> Claimed {
        let provider = Provider {
            org_id: OrgId::from("01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a".to_string()),
            issuer: ISSUER.to_string(),
            client_id: CLIENT.to_string(),
            client_secret: Secret::new("s3cret"),
            mfa: SsoMfa::Idp,
            auto_provision: false,
            verified_domains: vec!["acme.com".to_string()],
        };
        Claimed::browser_flow(provider, NONCE, VERIFIER)
    }

    /// The provider's redirect with `code` (and its issuer, RFC 9207).
    fn answer(code: Option<&str>) -> ProviderAnswer {
        ProviderAnswer {
            code: code.map(str::to_string),
            error: None,
            error_description: None,
            iss: Some(ISSUER.to_string()),
            code_verifier: None,
        }
    }

    async fn identify_with(idp: &FakeProvider, answer: ProviderAnswer) -> Result<VerifiedIdentity> {
        identify(idp, &claimed(), answer, now()).await
    }

    /// The refusal's code and detail.
    fn refusal(result: Result<VerifiedIdentity>) -> (ErrorCode, String) {
        let error = result.unwrap_err();
        let detail = error.denial().and_then(|d| d.detail.clone()).unwrap();
        (error.code(), detail)
    }

    #[tokio::test]
    async fn the_code_is_exchanged_with_the_flows_verifier_and_the_token_names_the_person() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys);
        let identity = identify_with(&idp, answer(Some("the-code"))).await.unwrap();
        assert_eq!(identity.subject, SUBJECT);
        assert_eq!(identity.issuer, ISSUER);
        assert_eq!(identity.email.as_deref(), Some("ada@acme.com"));
        assert_eq!(identity.amr, ["pwd"]);
        assert_eq!(
            *idp.asked.exchanges.borrow(),
            [("the-code".into(), VERIFIER.into(), "s3cret".into())]
        );
        // The cached keys did; the token had an email.
        assert_eq!(idp.asked.cached_keys.get(), 1);
        assert_eq!(idp.asked.fresh_keys.get(), 0);
        assert_eq!(idp.asked.userinfo.get(), 0);
    }

    #[tokio::test]
    async fn an_answer_naming_another_issuer_is_refused_before_the_provider_is_asked() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys);
        let mut elsewhere = answer(Some("the-code"));
        elsewhere.iss = Some("https://evil.example.com".to_string());
        assert_eq!(
            refusal(identify_with(&idp, elsewhere).await),
            (
                ErrorCode::SsoIdTokenInvalid,
                "the ID token was issued by another issuer; sign in again.".to_string()
            )
        );
        assert!(idp.asked.nothing());
        // A provider that does not name itself is not refused for it.
        let mut unnamed = answer(Some("the-code"));
        unnamed.iss = None;
        assert!(identify_with(&idp, unnamed).await.is_ok());
    }

    #[tokio::test]
    async fn a_providers_error_is_told_in_this_servers_words() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys);
        for (error, detail) in [
            (
                "access_denied",
                "The sign-in was declined at the identity provider.",
            ),
            (
                "server_error",
                "The identity provider did not complete the sign-in; try again.",
            ),
        ] {
            let mut declined = answer(Some("the-code"));
            declined.error = Some(error.to_string());
            declined.error_description = Some("<a href=https://evil.example.com>".to_string());
            assert_eq!(
                refusal(identify_with(&idp, declined).await),
                (ErrorCode::SsoDenied, detail.to_string())
            );
        }
        assert!(idp.asked.nothing());
    }

    #[tokio::test]
    async fn an_answer_without_a_code_is_refused() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys);
        for code in [None, Some("")] {
            assert_eq!(
                refusal(identify_with(&idp, answer(code)).await),
                (
                    ErrorCode::SsoCodeRefused,
                    "The identity provider's answer carries no code; sign in again.".to_string()
                ),
                "{code:?}"
            );
        }
        assert!(idp.asked.nothing());
    }

    #[tokio::test]
    async fn a_token_signed_with_a_key_the_cached_set_lacks_fetches_the_keys_once_more() {
        let (_, old_keys) = key();
        let (rotated, new_keys) = key();
        let mut idp = provider(&rotated, &claims(), new_keys);
        idp.cached_keys = old_keys;
        let identity = identify_with(&idp, answer(Some("the-code"))).await.unwrap();
        assert_eq!(identity.subject, SUBJECT);
        assert_eq!(idp.asked.cached_keys.get(), 1);
        assert_eq!(idp.asked.fresh_keys.get(), 1);
    }

    #[tokio::test]
    async fn a_token_signed_with_a_key_no_set_holds_is_refused_after_one_refetch() {
        let (_, old_keys) = key();
        let (_, new_keys) = key();
        let (stranger, _) = key();
        let mut idp = provider(&stranger, &claims(), new_keys);
        idp.cached_keys = old_keys;
        assert_eq!(
            refusal(identify_with(&idp, answer(Some("the-code"))).await),
            (
                ErrorCode::SsoIdTokenInvalid,
                "the ID token is signed with a key the provider does not publish; sign in again."
                    .to_string()
            )
        );
        assert_eq!(idp.asked.cached_keys.get(), 1);
        assert_eq!(idp.asked.fresh_keys.get(), 1);
    }

    #[tokio::test]
    async fn a_token_refused_for_another_reason_fetches_no_keys_again() {
        let (key, keys) = key();
        let mut stale = claims();
        stale["exp"] = json!((now() - Duration::minutes(5)).timestamp());
        let idp = provider(&key, &stale, keys);
        assert_eq!(
            refusal(identify_with(&idp, answer(Some("the-code"))).await).0,
            ErrorCode::SsoIdTokenInvalid
        );
        assert_eq!(idp.asked.fresh_keys.get(), 0);
    }

    #[tokio::test]
    async fn without_an_email_in_the_token_the_userinfo_endpoint_gives_it_for_the_same_subject() {
        let (key, keys) = key();
        let mut only_sub = claims();
        only_sub.as_object_mut().unwrap().remove("email");
        only_sub.as_object_mut().unwrap().remove("email_verified");

        let mut idp = provider(&key, &only_sub, keys.clone());
        idp.userinfo = Some((SUBJECT.to_string(), Some("ada@acme.com".to_string())));
        let identity = identify_with(&idp, answer(Some("the-code"))).await.unwrap();
        assert_eq!(identity.email.as_deref(), Some("ada@acme.com"));
        // Its `email_verified` said as the string "true".
        assert_eq!(identity.email_verified, Some(true));
        assert_eq!(idp.asked.userinfo.get(), 1);

        // Another person's email is not taken for this one's.
        let mut idp = provider(&key, &only_sub, keys);
        idp.userinfo = Some(("someone-else".to_string(), Some("eve@acme.com".to_string())));
        assert_eq!(
            refusal(identify_with(&idp, answer(Some("the-code"))).await),
            (
                ErrorCode::SsoIdTokenInvalid,
                "the ID token names no subject; sign in again.".to_string()
            )
        );
    }

    #[tokio::test]
    async fn a_provider_that_fails_is_told_in_this_servers_words() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys.clone());
        *idp.exchange_error.borrow_mut() = Some(OidcError::CodeRefused("invalid_grant".into()));
        assert_eq!(
            refusal(identify_with(&idp, answer(Some("the-code"))).await),
            (
                ErrorCode::SsoCodeRefused,
                "The identity provider refused the code; sign in again.".to_string()
            )
        );
        let idp = provider(&key, &claims(), keys);
        *idp.discovery_error.borrow_mut() = Some(OidcError::Unreachable("timed out".into()));
        assert_eq!(
            refusal(identify_with(&idp, answer(Some("the-code"))).await),
            (
                ErrorCode::SsoProviderUnavailable,
                "The identity provider cannot be reached.".to_string()
            )
        );
        assert!(idp.asked.exchanges.borrow().is_empty());
    }

    #[tokio::test]
    async fn the_authorization_url_carries_the_flows_parameters() {
        let (key, keys) = key();
        let idp = provider(&key, &claims(), keys);
        let started = Started {
            org_id: OrgId::from("01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a".to_string()),
            issuer: ISSUER.to_string(),
            client_id: CLIENT.to_string(),
            state: Secret::new("tsf_the-state"),
            nonce: NONCE.to_string(),
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_string(),
            provider_redirect_uri: "https://auth.example.com/v1/auth/sso/callback".to_string(),
            login_hint: Some("ada@acme.com".to_string()),
            expires_at: now() + Duration::minutes(10),
        };
        let url = authorization_url(&idp, &started, now()).await.unwrap();
        let url = reqwest::Url::parse(&url).unwrap();
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let has = |name: &str, value: &str| query.contains(&(name.into(), value.into()));
        assert_eq!(url.path(), "/authorize");
        assert!(has("tenant", "acme"), "the endpoint's own query is kept");
        assert!(has("state", "tsf_the-state"));
        assert!(has("nonce", NONCE));
        assert!(has("code_challenge_method", "S256"));
        assert!(has("login_hint", "ada@acme.com"));
        assert_eq!(idp.asked.metadata.get(), 1);
    }
}
