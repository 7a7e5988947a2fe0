//! A minimal OpenID Provider for the SSO tests: discovery, a key set, and a token endpoint
//! that checks what a real one checks (the client's secret, the code used once, the PKCE
//! verifier, the redirect URI) and answers with an ID token signed by a test key. The test
//! plays the person at the provider: it reads the authorization URL Tessera made and issues
//! a code for it, with the claims it wants the ID token to carry (and, if it likes, what the
//! userinfo endpoint answers for the code's access token).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tessera::crypto::signing::{KeyPair, public_jwk};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "tessera-test-client";
pub const CLIENT_SECRET: &str = "s3cret-of-the-client";

/// What the authorization URL asked for.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub state: String,
    pub nonce: String,
    pub code_challenge: String,
    pub redirect_uri: String,
    pub params: HashMap<String, String>,
}

impl AuthorizationRequest {
    pub fn parse(authorization_url: &str) -> AuthorizationRequest {
        let url = reqwest::Url::parse(authorization_url).unwrap();
        let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
        AuthorizationRequest {
            state: params["state"].clone(),
            nonce: params["nonce"].clone(),
            code_challenge: params["code_challenge"].clone(),
            redirect_uri: params["redirect_uri"].clone(),
            params,
        }
    }
}

struct IssuedCode {
    code_challenge: String,
    redirect_uri: String,
    id_token: String,
    userinfo: Option<Value>,
}

#[derive(Default)]
struct Codes {
    issued: HashMap<String, IssuedCode>,
    /// Access token -> what the userinfo endpoint answers for it.
    userinfo: HashMap<String, Value>,
}

pub struct TestProvider {
    pub server: MockServer,
    pub issuer: String,
    key: KeyPair,
    codes: Arc<Mutex<Codes>>,
}

struct TokenEndpoint {
    codes: Arc<Mutex<Codes>>,
}

struct UserinfoEndpoint {
    codes: Arc<Mutex<Codes>>,
}

impl Respond for UserinfoEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        match self.codes.lock().unwrap().userinfo.get(token) {
            Some(claims) => ResponseTemplate::new(200).set_body_json(claims),
            None => ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token"})),
        }
    }
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn refuse(error: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"error": error}))
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        // client_secret_basic: both halves form-encoded, then Basic (RFC 6749 §2.3.1).
        let credentials = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b64| STANDARD.decode(b64).ok())
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                let (id, secret) = pair.split_once(':')?;
                let decode = |s: &str| -> String {
                    form_urlencoded::parse(format!("x={s}").as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .next()
                        .unwrap_or_default()
                };
                Some((decode(id), decode(secret)))
            });
        if credentials != Some((CLIENT_ID.to_string(), CLIENT_SECRET.to_string())) {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
        }
        let form = form(&request.body);
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return refuse("unsupported_grant_type");
        }
        // A code is used once: taken out as it is redeemed.
        let Some(issued) = form
            .get("code")
            .and_then(|code| self.codes.lock().unwrap().issued.remove(code))
        else {
            return refuse("invalid_grant");
        };
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if challenge != issued.code_challenge
            || form.get("redirect_uri") != Some(&issued.redirect_uri)
        {
            return refuse("invalid_grant");
        }
        let access_token = format!("at-{}", uuid::Uuid::now_v7());
        if let Some(userinfo) = issued.userinfo {
            self.codes
                .lock()
                .unwrap()
                .userinfo
                .insert(access_token.clone(), userinfo);
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": issued.id_token,
        }))
    }
}

impl TestProvider {
    pub async fn start() -> TestProvider {
        TestProvider::start_with_discovery(|_| {}).await
    }

    /// A provider whose discovery document is its own, changed by `tweak` (to name endpoints
    /// elsewhere, say).
    pub async fn start_with_discovery(tweak: impl FnOnce(&mut Value)) -> TestProvider {
        let server = MockServer::start().await;
        let issuer = server.uri();
        let key = KeyPair::generate().unwrap();
        let mut discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
            "code_challenge_methods_supported": ["S256"],
        });
        tweak(&mut discovery);
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(ResponseTemplate::new(200).set_body_json(discovery))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/jwks"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"keys": [public_jwk(&key.kid, &key.public_x)]})),
            )
            .mount(&server)
            .await;
        let codes = Arc::new(Mutex::new(Codes::default()));
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(TokenEndpoint {
                codes: codes.clone(),
            })
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/userinfo"))
            .respond_with(UserinfoEndpoint {
                codes: codes.clone(),
            })
            .mount(&server)
            .await;
        TestProvider {
            server,
            issuer,
            key,
            codes,
        }
    }

    /// How many requests reached the token endpoint.
    pub async fn token_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/token")
            .count()
    }

    /// The claims a faithful provider puts in the ID token for this request and person.
    pub fn claims(
        &self,
        request: &AuthorizationRequest,
        subject: &str,
        email: &str,
        now: i64,
    ) -> Value {
        json!({
            "iss": self.issuer,
            "sub": subject,
            "aud": CLIENT_ID,
            "nonce": request.nonce,
            "iat": now,
            "exp": now + 300,
            "email": email,
            "email_verified": true,
            "amr": ["pwd", "mfa"],
        })
    }

    /// The person signs in at the provider: a code for `request`, whose ID token carries
    /// `claims`, signed with the provider's key (or with `signed_by`, a key it does not
    /// publish).
    pub fn issue_code(&self, request: &AuthorizationRequest, claims: &Value) -> String {
        self.issue_code_signed_by(request, claims, &self.key)
    }

    /// A code whose access token makes the userinfo endpoint answer `userinfo`.
    pub fn issue_code_with_userinfo(
        &self,
        request: &AuthorizationRequest,
        claims: &Value,
        userinfo: Value,
    ) -> String {
        self.issue(request, claims, &self.key, Some(userinfo))
    }

    pub fn issue_code_signed_by(
        &self,
        request: &AuthorizationRequest,
        claims: &Value,
        key: &KeyPair,
    ) -> String {
        self.issue(request, claims, key, None)
    }

    fn issue(
        &self,
        request: &AuthorizationRequest,
        claims: &Value,
        key: &KeyPair,
        userinfo: Option<Value>,
    ) -> String {
        let code = format!("code-{}", uuid::Uuid::now_v7());
        let id_token = key.signer().sign(claims).unwrap();
        self.codes.lock().unwrap().issued.insert(
            code.clone(),
            IssuedCode {
                code_challenge: request.code_challenge.clone(),
                redirect_uri: request.redirect_uri.clone(),
                id_token,
                userinfo,
            },
        );
        code
    }
}
