//! Verifying an OpenID Connect ID token (OIDC Core §3.1.3.7) against the identity provider's
//! published keys. Time comes from the caller (the app's clock), never from the system: the
//! JWT library's own `exp` check is off and every time claim is checked here.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// How far the provider's clock may be ahead of ours or behind it.
pub fn clock_skew() -> Duration {
    Duration::seconds(60)
}

/// An ID token older than this (by `iat`) is refused even if it has not expired: the code it
/// came with is minutes old at most.
pub fn max_age() -> Duration {
    Duration::minutes(10)
}

/// What the token must say.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: DateTime<Utc>,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// What the provider said of the email (`None`: nothing, as Entra ID says nothing).
    pub email_verified: Option<bool>,
    /// The provider's authentication methods (RFC 8176), as it sent them.
    pub amr: Vec<String>,
}

/// Why a token was refused. Each names one check, for the problem's detail and the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the ID token is not a well-formed signed JWT")]
    Malformed,
    #[error("the ID token's algorithm is not accepted (asymmetric signatures only)")]
    Algorithm,
    #[error("the ID token is signed with a key the provider does not publish")]
    UnknownKey,
    #[error("the ID token's signature does not verify")]
    Signature,
    #[error("the ID token was issued by another issuer")]
    Issuer,
    #[error("the ID token was issued to another client")]
    Audience,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token is not valid yet, or was issued too long ago")]
    IssuedAt,
    #[error("the ID token's nonce does not match this sign-in")]
    Nonce,
    #[error("the ID token names no subject")]
    Subject,
}

/// Asymmetric algorithms only: an HMAC token would be checked with the client secret, which
/// this server holds too, so it proves nothing about who made it.
const ACCEPTED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, client_id: &str) -> bool {
        match self {
            Audience::One(aud) => aud == client_id,
            Audience::Many(auds) => auds.iter().any(|a| a == client_id),
        }
    }

    fn is_many(&self) -> bool {
        matches!(self, Audience::Many(auds) if auds.len() > 1)
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: Option<String>,
    aud: Audience,
    azp: Option<String>,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    nonce: Option<String>,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    amr: Vec<String>,
}

/// Verifies `token` with the provider's `keys`. Returns `UnknownKey` when no published key
/// matches: the caller may fetch the key set again (the provider rotated) and retry once.
pub fn verify(
    token: &str,
    keys: &JwkSet,
    expected: &Expected<'_>,
) -> Result<VerifiedIdentity, Rejection> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| Rejection::Malformed)?;
    if !ACCEPTED.contains(&header.alg) {
        return Err(Rejection::Algorithm);
    }
    let jwk = signing_key(keys, header.kid.as_deref(), header.alg)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| Rejection::UnknownKey)?;
    let mut validation = Validation::new(header.alg);
    // Checked below against the app's clock and with our own errors.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => Rejection::Signature,
            _ => Rejection::Malformed,
        })?
        .claims;
    check(claims, expected)
}

fn signing_key<'k>(
    keys: &'k JwkSet,
    kid: Option<&str>,
    alg: Algorithm,
) -> Result<&'k Jwk, Rejection> {
    let usable = |jwk: &&Jwk| {
        let for_signing = jwk
            .common
            .public_key_use
            .as_ref()
            .is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature);
        let same_alg = jwk
            .common
            .key_algorithm
            .is_none_or(|a| a.to_string().parse::<Algorithm>().ok() == Some(alg));
        for_signing && same_alg
    };
    let mut candidates = keys.keys.iter().filter(usable);
    match kid {
        Some(kid) => candidates
            .find(|jwk| jwk.common.key_id.as_deref() == Some(kid))
            .ok_or(Rejection::UnknownKey),
        // No key id: only unambiguous with a single usable key.
        None => match (candidates.next(), candidates.next()) {
            (Some(only), None) => Ok(only),
            _ => Err(Rejection::UnknownKey),
        },
    }
}

fn check(claims: Claims, expected: &Expected<'_>) -> Result<VerifiedIdentity, Rejection> {
    if claims.iss != expected.issuer {
        return Err(Rejection::Issuer);
    }
    if !claims.aud.contains(expected.client_id) {
        return Err(Rejection::Audience);
    }
    if (claims.aud.is_many() || claims.azp.is_some())
        && claims.azp.as_deref() != Some(expected.client_id)
    {
        return Err(Rejection::Audience);
    }
    let at = |seconds: i64| DateTime::<Utc>::from_timestamp(seconds, 0);
    let (now, skew) = (expected.now, clock_skew());
    let expires = at(claims.exp).ok_or(Rejection::Malformed)?;
    if expires + skew <= now {
        return Err(Rejection::Expired);
    }
    let issued = at(claims.iat).ok_or(Rejection::Malformed)?;
    if issued - skew > now || issued + max_age() < now {
        return Err(Rejection::IssuedAt);
    }
    if let Some(nbf) = claims.nbf
        && at(nbf).ok_or(Rejection::Malformed)? - skew > now
    {
        return Err(Rejection::IssuedAt);
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(Rejection::Nonce);
    }
    let subject = claims
        .sub
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .ok_or(Rejection::Subject)?;
    let email_verified = email_verified(claims.email_verified.as_ref());
    Ok(VerifiedIdentity {
        issuer: claims.iss,
        subject,
        email: claims.email,
        email_verified,
        amr: claims.amr,
    })
}

/// What a provider says of an email: some send `email_verified` as the string "true".
pub fn email_verified(value: Option<&serde_json::Value>) -> Option<bool> {
    match value? {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => Some(s == "true"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::signing::{KeyPair, public_jwk};
    use serde_json::{Value, json};

    const ISSUER: &str = "https://idp.example.com";
    const CLIENT: &str = "tessera-client";
    const NONCE: &str = "n-0S6_WzA2Mj";

    fn now() -> DateTime<Utc> {
        crate::service::testing::start()
    }

    fn claims() -> Value {
        json!({
            "iss": ISSUER, "sub": "248289761001", "aud": CLIENT, "nonce": NONCE,
            "iat": now().timestamp(), "exp": (now() + Duration::minutes(5)).timestamp(),
            "email": "ada@example.com", "email_verified": true, "amr": ["pwd", "mfa"],
        })
    }

    fn provider() -> (KeyPair, JwkSet) {
        let key = KeyPair::generate().unwrap();
        let set = JwkSet {
            keys: vec![public_jwk(&key.kid, &key.public_x)],
        };
        (key, set)
    }

    fn verify_claims(claims: &Value) -> Result<VerifiedIdentity, Rejection> {
        let (key, set) = provider();
        let token = key.signer().sign(claims).unwrap();
        verify(&token, &set, &expected())
    }

    fn expected() -> Expected<'static> {
        Expected {
            issuer: ISSUER,
            client_id: CLIENT,
            nonce: NONCE,
            now: now(),
        }
    }

    fn with(field: &str, value: Value) -> Value {
        let mut claims = claims();
        claims[field] = value;
        claims
    }

    #[test]
    fn a_token_from_the_provider_for_this_sign_in_names_the_person() {
        let identity = verify_claims(&claims()).unwrap();
        assert_eq!(identity.subject, "248289761001");
        assert_eq!(identity.issuer, ISSUER);
        assert_eq!(identity.email.as_deref(), Some("ada@example.com"));
        assert_eq!(identity.email_verified, Some(true));
        assert_eq!(identity.amr, ["pwd", "mfa"]);
    }

    #[test]
    fn each_claim_that_does_not_fit_this_sign_in_is_refused_by_name() {
        let minutes = |m: i64| (now() + Duration::minutes(m)).timestamp();
        for (claims, rejection) in [
            (
                with("iss", json!("https://evil.example.com")),
                Rejection::Issuer,
            ),
            (with("aud", json!("another-client")), Rejection::Audience),
            (with("aud", json!([CLIENT, "another"])), Rejection::Audience),
            (with("exp", json!(minutes(-2))), Rejection::Expired),
            (with("iat", json!(minutes(5))), Rejection::IssuedAt),
            (with("iat", json!(minutes(-11))), Rejection::IssuedAt),
            (with("nbf", json!(minutes(5))), Rejection::IssuedAt),
            (with("nonce", json!("another sign-in")), Rejection::Nonce),
            (with("nonce", Value::Null), Rejection::Nonce),
            (with("sub", json!("")), Rejection::Subject),
        ] {
            assert_eq!(verify_claims(&claims), Err(rejection), "{claims}");
        }
        // Several audiences are fine when the token was issued to us (`azp`).
        let mut shared = with("aud", json!([CLIENT, "another"]));
        shared["azp"] = json!(CLIENT);
        assert!(verify_claims(&shared).is_ok());
        // The provider's clock may run a little ahead or behind.
        assert!(verify_claims(&with("exp", json!(now().timestamp() - 30))).is_ok());
        assert!(verify_claims(&with("iat", json!(now().timestamp() + 30))).is_ok());
    }

    #[test]
    fn only_a_key_the_provider_publishes_can_sign() {
        let (key, set) = provider();
        let (other, _) = provider();
        let forged = other.signer().sign(&claims()).unwrap();
        assert_eq!(
            verify(&forged, &set, &expected()),
            Err(Rejection::UnknownKey)
        );

        // The published key id on someone else's signature.
        let mut header = jsonwebtoken::Header::new(Algorithm::EdDSA);
        header.kid = Some(key.kid.clone());
        let lying = jsonwebtoken::encode(
            &header,
            &claims(),
            &jsonwebtoken::EncodingKey::from_ed_der(other.pkcs8()),
        )
        .unwrap();
        assert_eq!(verify(&lying, &set, &expected()), Err(Rejection::Signature));
    }

    #[test]
    fn unsigned_and_shared_secret_tokens_are_refused() {
        let (_, set) = provider();
        let hmac = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &claims(),
            &jsonwebtoken::EncodingKey::from_secret(b"the client secret"),
        )
        .unwrap();
        assert_eq!(verify(&hmac, &set, &expected()), Err(Rejection::Algorithm));
        use base64::Engine;
        let b64 = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        let none = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
        assert!(verify(&none, &set, &expected()).is_err());
        assert_eq!(
            verify("not a token", &set, &expected()),
            Err(Rejection::Malformed)
        );
    }

    /// Most providers sign with RS256. The key pair is a test fixture made for this test
    /// (`openssl genpkey -algorithm RSA`, as PKCS#1 DER); it signs nothing else.
    #[test]
    fn an_rs256_token_verifies_with_the_providers_rsa_jwk() {
        let set: JwkSet =
            serde_json::from_str(include_str!("fixtures/test-idp-rsa.jwks.json")).unwrap();
        let key = jsonwebtoken::EncodingKey::from_rsa_der(include_bytes!(
            "fixtures/test-idp-rsa.pkcs1.der"
        ));
        let mut header = jsonwebtoken::Header::new(Algorithm::RS256);
        header.kid = Some("test-rsa-1".into());
        let token = jsonwebtoken::encode(&header, &claims(), &key).unwrap();
        assert_eq!(
            verify(&token, &set, &expected()).unwrap().subject,
            "248289761001"
        );
        // The same key announced for another algorithm is not used for this one.
        header.alg = Algorithm::RS384;
        let token = jsonwebtoken::encode(&header, &claims(), &key).unwrap();
        assert_eq!(
            verify(&token, &set, &expected()),
            Err(Rejection::UnknownKey)
        );
    }
}
