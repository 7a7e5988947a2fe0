//! The OpenID Connect relying party's outbound side: an organisation's provider metadata
//! (discovery) and signing keys (JWKS), fetched with one HTTP client with timeouts and kept
//! for an hour; the authorization-code exchange at the token endpoint; and the userinfo
//! endpoint, asked for the email when the ID token has none. What comes back is checked by
//! `service::sso::id_token`. Every URL here comes from an organisation or its provider: the
//! client connects only to addresses `egress` allows, and follows no redirect.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

use crate::egress::{Egress, EgressError, is_refusal};

/// How long discovery documents and key sets are kept.
fn keep_for() -> Duration {
    Duration::hours(1)
}

/// A token signed with an unknown key makes us fetch the keys again (the provider rotated),
/// but not more often than this: unknown key ids must not turn into a request flood.
fn refetch_keys_after() -> Duration {
    Duration::minutes(1)
}

/// What a provider's discovery document says (the parts a code flow needs).
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    /// Asked for the person's email when the ID token carries none (OIDC Core §5.3).
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OidcError {
    #[error("the issuer must be an https URL of another machine")]
    IssuerUrl,
    /// The issuer, or an endpoint its discovery document names (by its field name), is not
    /// an https URL at a public address: nothing was sent there.
    #[error("the {0} must be an https URL at a public address")]
    Refused(&'static str),
    #[error("the identity provider cannot be reached: {0}")]
    Unreachable(String),
    #[error("the identity provider answered {0}")]
    Status(u16),
    #[error("the identity provider's {0} is not valid")]
    Invalid(&'static str),
    /// Bigger than any real one: not read into memory.
    #[error("the identity provider's {0} is too large")]
    TooLarge(&'static str),
    /// The provider's `error`: for the log, never for the front-end.
    #[error("the identity provider refused the code: {0}")]
    CodeRefused(String),
}

/// What the token endpoint answers to a code.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub id_token: Option<String>,
    pub access_token: Option<String>,
    pub error: Option<String>,
}

/// The provider's tokens for a code: the ID token, and the access token for its userinfo
/// endpoint.
pub struct Tokens {
    pub id_token: String,
    pub access_token: Option<String>,
}

/// What the userinfo endpoint says (the claims an email needs).
#[derive(Debug, Deserialize)]
pub struct UserInfo {
    pub sub: String,
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<serde_json::Value>,
}

/// One code exchange's inputs.
pub struct CodeExchange<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub code: &'a str,
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
}

/// What the authorization request carries (OIDC Core §3.1.2.1, RFC 7636).
pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    pub login_hint: Option<&'a str>,
}

/// The URL a browser is sent to: the provider's authorization endpoint with the code flow's
/// parameters (PKCE S256) added to any query it has.
pub fn authorization_url(
    metadata: &ProviderMetadata,
    request: &AuthorizationRequest<'_>,
) -> Result<String, OidcError> {
    let mut url = reqwest::Url::parse(&metadata.authorization_endpoint)
        .map_err(|_| OidcError::Invalid("authorization endpoint"))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", request.client_id)
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("scope", "openid email profile")
            .append_pair("state", request.state)
            .append_pair("nonce", request.nonce)
            .append_pair("code_challenge", request.code_challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(hint) = request.login_hint {
            query.append_pair("login_hint", hint);
        }
    }
    Ok(url.into())
}

struct Cached {
    metadata: ProviderMetadata,
    fetched_at: DateTime<Utc>,
    keys: Option<(JwkSet, DateTime<Utc>)>,
}

/// Which key set a verification asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySet {
    /// The cached set, while it is fresh enough for every token.
    Cached,
    /// A set fetched anew: a token named a key the cached set lacks. It is fetched only if the
    /// cached one is over a minute old, so forged key ids cannot make the server hammer the
    /// provider.
    Fresh,
}

pub struct OidcClient {
    /// Providers on this machine are allowed (development and tests).
    allow_loopback: bool,
    /// Where the client may connect, and the DNS it resolves names with.
    egress: Egress,
    /// Made at the first sign-in: a TLS client's root store costs a megabyte or two of
    /// resident memory that a server without SSO need not carry.
    http: std::sync::OnceLock<reqwest::Client>,
    cache: Mutex<HashMap<String, Cached>>,
}

/// Checks an issuer URL as an organisation gives it: https, not on this machine; with
/// `allow_loopback` (development and tests) also http or https on a loopback address. Any
/// account can create an organisation, so without it this server would fetch from its own
/// machine's ports on anyone's behalf. No user info, query or fragment (OIDC Discovery §2);
/// a trailing slash is kept, as issuers compare exactly.
pub fn check_issuer(issuer: &str, allow_loopback: bool) -> Result<(), OidcError> {
    let url = reqwest::Url::parse(issuer).map_err(|_| OidcError::IssuerUrl)?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let scheme_ok = if loopback {
        allow_loopback && matches!(url.scheme(), "https" | "http")
    } else {
        url.scheme() == "https"
    };
    let plain = url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if scheme_ok && plain && url.host().is_some() {
        Ok(())
    } else {
        Err(OidcError::IssuerUrl)
    }
}

/// What `error` means for a request to the provider's `what` (its discovery field name).
fn refusal(error: EgressError, what: &'static str) -> OidcError {
    match error {
        EgressError::Refused(_) => OidcError::Refused(what),
        EgressError::Unresolved(reason) => OidcError::Unreachable(reason),
    }
}

impl ProviderMetadata {
    /// The endpoints the document names, by their field names.
    fn endpoints(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("authorization_endpoint", Some(&self.authorization_endpoint)),
            ("token_endpoint", Some(&self.token_endpoint)),
            ("jwks_uri", Some(&self.jwks_uri)),
            ("userinfo_endpoint", self.userinfo_endpoint.as_ref()),
        ]
        .into_iter()
        .filter_map(|(what, url)| Some((what, url?.as_str())))
    }
}

impl OidcClient {
    /// A client for providers that `allow_loopback` allows, resolving names at `dns_server`
    /// (`None`: the system's resolver).
    pub fn new(allow_loopback: bool, dns_server: Option<std::net::SocketAddr>) -> OidcClient {
        OidcClient {
            allow_loopback,
            egress: Egress::new(allow_loopback, dns_server),
            http: std::sync::OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(StdDuration::from_secs(10))
                .connect_timeout(StdDuration::from_secs(5))
                // The URLs come from an organisation's settings: no hops to somewhere else.
                .redirect(reqwest::redirect::Policy::none())
                // Names resolve to checked addresses only, and those are what is dialled.
                .dns_resolver(self.egress.resolver())
                // A proxy would connect in our place, to addresses nobody checked.
                .no_proxy()
                .build()
                .unwrap_or_default()
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The provider's metadata, from the cache or its discovery document (see
    /// [`OidcClient::discover`]).
    pub async fn metadata(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        if let Some(cached) = self.cache().get(issuer)
            && now - cached.fetched_at < keep_for()
        {
            return Ok(cached.metadata.clone());
        }
        self.discover(issuer, now).await
    }

    /// The provider's discovery document, fetched now whatever is cached, and kept. The
    /// issuer is checked first, its name resolved and every address checked
    /// ([`OidcError::Refused`], nothing fetched); the document must name the same issuer
    /// (OIDC Discovery §4.3), and every endpoint it names is checked the same way, those this
    /// server never calls included (the authorization endpoint is the browser's).
    pub async fn discover(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        check_issuer(issuer, self.allow_loopback)?;
        let issuer_url = reqwest::Url::parse(issuer).map_err(|_| OidcError::IssuerUrl)?;
        self.egress
            .check(&issuer_url)
            .await
            .map_err(|e| refusal(e, "issuer"))?;
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let metadata: ProviderMetadata =
            self.get_json(&url, "issuer", "discovery document").await?;
        if metadata.issuer != issuer {
            return Err(OidcError::Invalid("discovery document (another issuer)"));
        }
        for (what, endpoint) in metadata.endpoints() {
            check_issuer(endpoint, self.allow_loopback).map_err(|_| OidcError::Refused(what))?;
            let url = reqwest::Url::parse(endpoint).map_err(|_| OidcError::Refused(what))?;
            self.egress
                .check(&url)
                .await
                .map_err(|e| refusal(e, what))?;
        }
        self.cache().insert(
            issuer.to_string(),
            Cached {
                metadata: metadata.clone(),
                fetched_at: now,
                keys: None,
            },
        );
        Ok(metadata)
    }

    /// The provider's signing keys, as `wanted`.
    pub async fn keys(
        &self,
        metadata: &ProviderMetadata,
        now: DateTime<Utc>,
        wanted: KeySet,
    ) -> Result<JwkSet, OidcError> {
        let cached = self
            .cache()
            .get(&metadata.issuer)
            .and_then(|c| c.keys.clone());
        if let Some((keys, at)) = cached {
            let max_age = match wanted {
                KeySet::Cached => keep_for(),
                KeySet::Fresh => refetch_keys_after(),
            };
            if now - at < max_age {
                return Ok(keys);
            }
        }
        let keys: JwkSet = self
            .get_json(&metadata.jwks_uri, "jwks_uri", "key set")
            .await?;
        if let Some(cached) = self.cache().get_mut(&metadata.issuer) {
            cached.keys = Some((keys.clone(), now));
        }
        Ok(keys)
    }

    /// Exchanges an authorization code (with its PKCE verifier) for the provider's tokens,
    /// authenticating with the client secret (`client_secret_basic`).
    pub async fn exchange_code(
        &self,
        metadata: &ProviderMetadata,
        exchange: &CodeExchange<'_>,
    ) -> Result<Tokens, OidcError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", exchange.code),
            ("redirect_uri", exchange.redirect_uri),
            ("code_verifier", exchange.code_verifier),
        ];
        // application/x-www-form-urlencoded leaves `*-._` as they are.
        const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'*')
            .remove(b'-')
            .remove(b'.')
            .remove(b'_');
        let encode = |s: &str| percent_encoding::utf8_percent_encode(s, FORM).to_string();
        let request = self
            .http()
            .post(&metadata.token_endpoint)
            // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic.
            .basic_auth(
                encode(exchange.client_id),
                Some(encode(exchange.client_secret)),
            )
            .form(&form);
        let response = self.send(request, "token_endpoint").await?;
        let status = response.status();
        let body: TokenResponse = read_json(response, "token response").await?;
        if !status.is_success() {
            return Err(OidcError::CodeRefused(
                body.error.unwrap_or_else(|| status.as_u16().to_string()),
            ));
        }
        let id_token = body
            .id_token
            .ok_or(OidcError::Invalid("token response (no ID token)"))?;
        Ok(Tokens {
            id_token,
            access_token: body.access_token,
        })
    }

    /// The userinfo endpoint's claims, asked with the access token (`None` when the provider
    /// has no such endpoint).
    pub async fn userinfo(
        &self,
        metadata: &ProviderMetadata,
        access_token: &str,
    ) -> Result<Option<UserInfo>, OidcError> {
        let Some(endpoint) = &metadata.userinfo_endpoint else {
            return Ok(None);
        };
        let request = self
            .http()
            .get(endpoint)
            .bearer_auth(access_token)
            .header("accept", "application/json");
        let response = self.send(request, "userinfo_endpoint").await?;
        if !response.status().is_success() {
            return Err(OidcError::Status(response.status().as_u16()));
        }
        // A signed (JWT) answer is not read: only the plain JSON one.
        read_json(response, "userinfo response").await.map(Some)
    }

    /// Sends `request` to the provider's `endpoint` (its discovery field name). Its host is
    /// checked first when it is an IP literal, which the connector dials without resolving;
    /// a name is checked by the client's resolver as it is resolved.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        endpoint: &'static str,
    ) -> Result<reqwest::Response, OidcError> {
        let request = request.build().map_err(|_| OidcError::Refused(endpoint))?;
        self.egress
            .check_literal(request.url())
            .map_err(|e| refusal(e, endpoint))?;
        self.http().execute(request).await.map_err(|e| {
            if is_refusal(&e) {
                OidcError::Refused(endpoint)
            } else {
                OidcError::Unreachable(without_url(&e))
            }
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        endpoint: &'static str,
        what: &'static str,
    ) -> Result<T, OidcError> {
        let request = self.http().get(url).header("accept", "application/json");
        let response = self.send(request, endpoint).await?;
        if !response.status().is_success() {
            return Err(OidcError::Status(response.status().as_u16()));
        }
        read_json(response, what).await
    }
}

/// The most a provider's answer may be. Discovery documents, key sets and token answers are a
/// few kilobytes; anything bigger is refused before it is held in memory (any account can
/// name a provider, so its answers are anyone's).
const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// Reads a JSON answer of at most [`MAX_RESPONSE_BYTES`], chunk by chunk.
async fn read_json<T: serde::de::DeserializeOwned>(
    mut response: reqwest::Response,
    what: &'static str,
) -> Result<T, OidcError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
    {
        return Err(OidcError::TooLarge(what));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| OidcError::Unreachable(without_url(&e)))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(OidcError::TooLarge(what));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|_| OidcError::Invalid(what))
}

/// reqwest's error text, without the URL it adds (the caller knows which one it was).
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(at) = e.find(" for url (") {
        e.truncate(at);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wiremock::matchers::{body_string_contains, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn now() -> DateTime<Utc> {
        crate::service::testing::start()
    }

    async fn provider() -> (MockServer, String) {
        let server = MockServer::start().await;
        let issuer = server.uri();
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "issuer": issuer,
                "authorization_endpoint": format!("{issuer}/authorize"),
                "token_endpoint": format!("{issuer}/token"),
                "jwks_uri": format!("{issuer}/jwks"),
            })))
            .expect(1)
            .mount(&server)
            .await;
        (server, issuer)
    }

    #[test]
    fn issuers_are_https_or_on_this_machine() {
        assert!(check_issuer("https://login.example.com/tenant/v2.0", false).is_ok());
        assert!(check_issuer("http://127.0.0.1:9000", true).is_ok());
        assert!(check_issuer("http://localhost:9000/", true).is_ok());
        // This machine's ports only when allowed, whatever the scheme.
        for local in [
            "http://127.0.0.1:9000",
            "https://localhost",
            "https://[::1]:8443",
        ] {
            assert_eq!(
                check_issuer(local, false),
                Err(OidcError::IssuerUrl),
                "{local}"
            );
        }
        for bad in [
            "http://login.example.com",
            "https://user:pw@login.example.com",
            "https://login.example.com/?tenant=1",
            "ftp://login.example.com",
            "not a url",
        ] {
            assert_eq!(check_issuer(bad, true), Err(OidcError::IssuerUrl), "{bad}");
        }
    }

    #[actix_web::test]
    async fn discovery_is_fetched_once_an_hour_and_must_name_its_issuer() {
        let (server, issuer) = provider().await;
        let client = OidcClient::new(true, None);
        let metadata = client.metadata(&issuer, now()).await.unwrap();
        assert_eq!(metadata.token_endpoint, format!("{issuer}/token"));
        // Cached: the mock expects exactly one fetch.
        client
            .metadata(&issuer, now() + Duration::minutes(59))
            .await
            .unwrap();
        server.verify().await;

        // A document served for one issuer does not vouch for another.
        let (_other_server, other_issuer) = provider().await;
        let impostor = format!("{other_issuer}/");
        assert_eq!(
            OidcClient::new(true, None)
                .metadata(&impostor, now())
                .await
                .unwrap_err(),
            OidcError::Invalid("discovery document (another issuer)")
        );
    }

    #[actix_web::test]
    async fn an_answer_bigger_than_any_real_one_is_refused_unread() {
        let server = MockServer::start().await;
        let issuer = server.uri();
        // A discovery document padded to 1 MB, with and without its length announced.
        let padded = json!({"issuer": issuer, "padding": "x".repeat(1024 * 1024)}).to_string();
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(padded, "application/json"))
            .mount(&server)
            .await;
        let client = OidcClient::new(true, None);
        assert_eq!(
            client.discover(&issuer, now()).await.unwrap_err(),
            OidcError::TooLarge("discovery document")
        );
    }

    #[actix_web::test]
    async fn keys_are_fetched_again_for_an_unknown_key_but_at_most_once_a_minute() {
        let (server, issuer) = provider().await;
        Mock::given(method("GET"))
            .and(path("/jwks"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": []})))
            .expect(2)
            .mount(&server)
            .await;
        let client = OidcClient::new(true, None);
        let metadata = client.metadata(&issuer, now()).await.unwrap();
        client.keys(&metadata, now(), KeySet::Cached).await.unwrap();
        client
            .keys(&metadata, now() + Duration::seconds(30), KeySet::Fresh)
            .await
            .unwrap();
        client
            .keys(&metadata, now() + Duration::seconds(61), KeySet::Fresh)
            .await
            .unwrap();
        client
            .keys(&metadata, now() + Duration::seconds(90), KeySet::Cached)
            .await
            .unwrap();
        server.verify().await;
    }

    #[actix_web::test]
    async fn a_code_is_exchanged_with_its_verifier_and_the_client_secret() {
        let (server, issuer) = provider().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(header("authorization", "Basic dGVzc2VyYTpzM2NyZXQlMjE="))
            .and(body_string_contains("code=the-code"))
            .and(body_string_contains("code_verifier=the-verifier"))
            .and(body_string_contains("grant_type=authorization_code"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "at", "token_type": "Bearer", "id_token": "header.claims.sig"
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(body_string_contains("code=used-code"))
            .respond_with(
                ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})),
            )
            .mount(&server)
            .await;
        let client = OidcClient::new(true, None);
        let metadata = client.metadata(&issuer, now()).await.unwrap();
        let exchange = |code| CodeExchange {
            client_id: "tessera",
            client_secret: "s3cret!",
            code,
            redirect_uri: "https://app.example.com/sso",
            code_verifier: "the-verifier",
        };
        assert_eq!(
            client
                .exchange_code(&metadata, &exchange("the-code"))
                .await
                .unwrap()
                .id_token,
            "header.claims.sig"
        );
        assert_eq!(
            client
                .exchange_code(&metadata, &exchange("used-code"))
                .await
                .err(),
            Some(OidcError::CodeRefused("invalid_grant".into()))
        );
    }
}
